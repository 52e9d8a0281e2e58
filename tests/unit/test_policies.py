"""policies/ is the one source of truth; realm-export.json must agree with it."""

import copy
import json
from datetime import UTC

import policies
from stack import realm
from stack.paths import REALM_FILE


def test_realm_export_agrees_with_policies():
    """Covers: R-PWD-2, R-PWD-3, R-LCK-1, R-LCK-4, R-CAT-2

    Run `make realm` to regenerate the derived pieces when this fails."""
    drift = realm.drift(json.loads(REALM_FILE.read_text()), policies.load())
    assert drift == [], "\n".join(drift)


def test_a_changed_number_in_policies_is_caught_as_drift():
    """Covers: R-PWD-3, R-LCK-1"""
    p = policies.load()
    exported = json.loads(REALM_FILE.read_text())
    tampered = copy.deepcopy(exported)
    tampered["failureFactor"] = 5
    tampered["passwordPolicy"] = tampered["passwordPolicy"].replace("length(12)", "length(8)")
    found = realm.drift(tampered, p)
    assert [line.split(":")[0] for line in found] == ["passwordPolicy", "failureFactor"]


def test_password_policy_carries_every_agency_number():
    """Covers: R-PWD-2, R-PWD-3"""
    text = realm.password_policy(policies.load())
    for term in (
        "length(12)",
        "upperCase(1)",
        "lowerCase(1)",
        "digits(1)",
        "specialChars(1)",
        "notUsername",
        "notContainsUsername",
        "notEmail",
        "passwordHistory(",
        "forceExpiredPasswordChange(60)",
        "maxLength(",
    ):
        assert term in text
    assert "regexPattern(^(?=.*[~!#^*])[A-Za-z0-9~!#^*]+$)" in text


def test_roles_follow_the_category_table():
    """Covers: R-CAT-1, R-CAT-2"""
    roles = {r["name"]: r for r in realm.realm_roles(policies.load())}
    assert roles["category:CRC-COL"]["composites"]["realm"] == [
        "function:CRC-COL:eligibility-query",
        "function:CRC-COL:correction-query",
    ]
    assert roles["category:GAS-COL"]["composites"]["realm"] == ["function:GAS-COL:eligibility-query"]
    assert "composites" not in roles["category:GAS-LAB"]
    assert {n for n in roles if n.startswith("category:")} == {
        "category:CRC-COL",
        "category:CER-COL",
        "category:HPV-COL",
        "category:GAS-COL",
        "category:GAS-LAB",
    }


def test_documents_per_type_and_category():
    """Covers: R-DOC-1, R-DOC-2, R-DOC-3"""
    p = policies.load()
    manager_docs = ("form-1", "unit-affidavit", "confidentiality-consent")
    for cat in p.categories:
        for t in "AC":
            extra = ("lab-opening-licence", "technologist-licence") if cat == "GAS-LAB" else ()
            assert p.required_documents(t, cat) == manager_docs + extra
        for t in "BD":
            assert p.required_documents(t, cat) == ("form-1",)


def _messages(lang: str) -> dict[str, str]:
    path = REALM_FILE.parent / "keycloak-config/themes/screening/login/messages" / f"messages_{lang}.properties"
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            out[k.strip()] = v
    return out


def test_the_rules_a_person_reads_carry_the_policy_numbers():
    """Covers: R-PWD-2, R-PWD-3

    The update-password page spells the rules out; the numbers in its text must be policies/'."""
    pw = policies.load().password
    spaced = " ".join(pw.symbols)
    zh, en = _messages("zh_Hant"), _messages("en")
    assert f"至少 {pw.min_length} 個字元" in zh["screeningPasswordRuleLength"]
    assert f"At least {pw.min_length} characters" in en["screeningPasswordRuleLength"]
    assert spaced in zh["screeningPasswordRuleSymbols"] and spaced in en["screeningPasswordRuleSymbols"]
    assert pw.change_every_days == 60 and "兩個月" in zh["screeningPasswordRuleAge"]
    assert "two months" in en["screeningPasswordRuleAge"]


def test_rule_ids_are_named_one_by_one():
    """A range of ids (first..last) hides the ids between from grep: every id is written out.
    No rule id: this keeps the Covers: lines and the rules' sources searchable."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    ranged = re.compile(r"R-[A-Z]+-\d+\s*(\.\.|–)\s*\d")
    found = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("policies", "sync_service", "tests", "keycloak-config", "stack", "docs")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file() and path.suffix in {".py", ".toml", ".java", ".ftl", ".md", ".properties", ".json"}
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if ranged.search(line)
    ]
    assert found == []


def test_the_realm_defines_the_roles_policies_name():
    """The manager, reviewer and vendor roles the code reads from policies/ exist in the realm (no rule id: wiring)."""
    realm = json.loads(REALM_FILE.read_text(encoding="utf-8"))
    names = {r["name"] for r in realm["roles"]["realm"]}
    assert {policies.MANAGER_ROLE, policies.REVIEWER_ROLE, policies.VENDOR_ROLE} <= names


def test_keycloak_keeps_its_events_as_policies_say():
    """The realm stores the events the audit needs, for the time in policies/events.toml, and no
    admin event representation (decision 0090); a changed number is drift.

    Covers: R-AUD-1
    """
    p = policies.load()
    derived = realm.derived(p)
    assert derived["eventsExpiration"] == p.events.expiry_seconds == 365 * 86_400
    assert derived[f"attributes.{realm.ADMIN_EVENTS_EXPIRATION_KEY}"] == str(p.events.expiry_seconds)
    assert derived["adminEventsDetailsEnabled"] is False
    assert {"LOGIN_ERROR", "USER_DISABLED_BY_PERMANENT_LOCKOUT", "RESET_PASSWORD"} <= set(derived["enabledEventTypes"])
    # far longer than any outage the poll may have, which runs every few seconds
    assert p.events.expiry_seconds > 1000 * p.events.poll_every_seconds
    tampered = copy.deepcopy(json.loads(REALM_FILE.read_text()))
    tampered["eventsExpiration"] = 3600
    tampered["adminEventsDetailsEnabled"] = True
    assert [line.split(":")[0] for line in realm.drift(tampered, p)] == [
        "eventsExpiration",
        "adminEventsDetailsEnabled",
    ]


def test_departures_carry_the_agency_notice_and_the_realm_has_the_date_attribute():
    """Covers: R-MGR-6, R-USR-2

    15 days' notice (附件2-1 四) is policies/' number; the users' departure date is a
    date attribute of the realm's user profile that only administrators (managers) edit."""
    d = policies.departures()
    assert d.notice_days == 15
    realm_json = json.loads(REALM_FILE.read_text())
    [component] = realm_json["components"]["org.keycloak.userprofile.UserProfileProvider"]
    profile = json.loads(component["config"]["kc.user.profile.config"][0])
    [attribute] = [a for a in profile["attributes"] if a["name"] == d.user_attribute]
    assert "iso-date" in attribute["validations"] and attribute["annotations"]["inputType"] == "html5-date"
    assert attribute["permissions"]["edit"] == ["admin"]
    for language in ("zh-Hant", "en"):
        assert f"profile.attributes.{d.user_attribute}" in realm_json["localizationTexts"][language]


def test_personal_data_deadlines_and_retention_are_read_from_policies():
    """Covers: R-PD-2

    Art. 13 of the Personal Data Protection Act: 15 days to answer a request to view or copy, 30 to
    correct, stop or delete, each extendable once by as much. Retention: every kind of record has
    its number, and scans do not outlive their application."""
    rules = policies.personal_data()
    assert rules.kinds["copy"].answer_within_days == 15 and rules.kinds["copy"].extension_days == 15
    assert all(
        rules.kinds[k].answer_within_days == 30 == rules.kinds[k].extension_days for k in ("correct", "stop", "delete")
    )
    assert rules.kept_after_deletion_zh and rules.kept_after_deletion_en
    kept = policies.retention()
    assert all(days > 0 for days in vars(kept).values())
    assert kept.scans <= kept.applications
    # The pages read the same numbers (no copy of them in a template).
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "sync_service" / "web" / "templates"
    assert "answer_within_days" in (templates / "my_data.html").read_text()


def test_the_legacy_import_reads_its_numbers_from_policies():
    """The import's hash rules, batch and mail numbers come from policies/legacy_import.toml,
    and the scheduled mail job is built from them (no second copy in code)."""
    import tomllib

    from sync_service.services.legacy_import import LegacyImportMail

    spec = tomllib.loads((policies.HERE / "legacy_import.toml").read_text())
    rules = policies.legacy_import()
    assert rules.hash_algorithms == tuple(spec["password_hash"]["algorithms"])
    assert rules.min_hash_iterations == spec["password_hash"]["min_iterations"]
    job = LegacyImportMail.from_policies(None, None)  # only its numbers are read
    assert (job.batch, job.every.total_seconds(), job.link_lifetime_seconds) == (
        spec["mail"]["batch"],
        spec["mail"]["every_seconds"],
        policies.load().reset_link_lifetime_seconds,  # R-LCK-4: one hour, one source
    )


def test_reminder_and_review_numbers_are_read_from_policies():
    """Covers: R-PWD-2

    The reminder's days are counted back from the realm's own change period (security.toml), and the
    mail names that period: both from policies/, never a number of their own."""
    from datetime import datetime

    from sync_service.services.reminder_mails import password_reminder

    rules, password = policies.reminders(), policies.load().password
    assert 0 < rules.password_days_before < password.change_every_days
    assert 12 % rules.review_every_months == 0
    assert 0 < rules.review_reminder_days_before < rules.review_answer_days
    mail = password_reminder("a@b.tw", "u1", datetime(2026, 1, 1, tzinfo=UTC), "https://x/", "<m>")
    assert (
        f"每 {password.change_every_days} 天" in mail.body and f"every\n{password.change_every_days} days" in mail.body
    )
