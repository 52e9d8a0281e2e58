"""Every `Covers:` id of a test resolves to a rule of docs/rules.md, from a fresh clone
(issue 23 item 4): the rule list lives in the repository, and a test cannot name a rule
nobody wrote down. No rule id: this checks the traceability itself."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "rules.md"
RULE_ID = re.compile(r"R-[A-Z]+-\d+")
COVERS = re.compile(r"Covers:([^\n\"*]*)")
# Where tests live: the Python tests and the providers' Java unit tests.
TEST_TREES = (ROOT / "tests", ROOT / "keycloak-config" / "providers" / "src" / "test")


def defined_rules(text: str) -> list[str]:
    """The ids in the first column of the rule tables."""
    return re.findall(r"^\| (R-[A-Z]+-\d+) \|", text, re.M)


def covered_ids(text: str) -> set[str]:
    return {rule for line in COVERS.findall(text) for rule in RULE_ID.findall(line)}


def covers_by_file() -> dict[str, set[str]]:
    found = {}
    for tree in TEST_TREES:
        for path in sorted(tree.rglob("*")):
            if path.suffix in (".py", ".java") and path != Path(__file__).resolve():
                ids = covered_ids(path.read_text(encoding="utf-8"))
                if ids:
                    found[str(path.relative_to(ROOT))] = ids
    return found


def test_each_rule_is_defined_once_with_its_paragraph():
    text = RULES.read_text(encoding="utf-8")
    ids = defined_rules(text)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    rows = re.findall(r"^\| (R-[A-Z]+-\d+) \| (.+?) \| (.+?) \|$", text, re.M)
    assert len(rows) == len(ids), "every rule row has an id, a rule and the document's paragraph"
    assert all(rule.strip() and paragraph.strip() for _, rule, paragraph in rows)


def test_every_covers_id_in_the_tests_is_a_rule():
    rules = set(defined_rules(RULES.read_text(encoding="utf-8")))
    unknown = {path: sorted(ids - rules) for path, ids in covers_by_file().items() if ids - rules}
    assert unknown == {}, "a test names a rule docs/rules.md does not define"


def test_the_check_sees_an_unknown_id():
    text = '"""What it does.\n\nCovers: R-LCK-1, R-XYZ-9\n"""'
    assert covered_ids(text) == {"R-LCK-1", "R-XYZ-9"}
    assert "R-XYZ-9" not in defined_rules(RULES.read_text(encoding="utf-8"))
    assert covered_ids("/** The policy. Covers: R-PWD-4 */") == {"R-PWD-4"}
