"""The run's last check: no log line holds a national ID or a full phone number of the test
data (issue 8 point 7). Runs when the session ends, after every test and after Keycloak has
stopped (tests/conftest.py), and fails the run on any hit."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from tests.support.personal_data import NATIONAL_IDS, PHONES

LOG_SUFFIXES = (".log", ".out", ".err")


def python_log_handler(path: Path) -> logging.Handler:
    """The test process's own log lines (the sync service, the worker and the stand-in
    client run in it) written to a file, as a deployment would keep them: INFO and up."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return handler


def log_files(roots: list[Path], since: float) -> list[Path]:
    found = []
    for root in roots:
        if not root.exists():
            continue
        for f in root.rglob("*"):
            if (
                f.is_file()
                and (f.suffix in LOG_SUFFIXES or f.name in ("stdout", "stderr"))
                and f.stat().st_mtime >= since
            ):
                found.append(f)
    return sorted(found)


def needles() -> dict[str, str]:
    """What must not be found -> what it is (the report never repeats the value)."""
    out = {}
    for n in NATIONAL_IDS:
        out[n] = "national ID"
        out[n.lower()] = "national ID"
    for p in PHONES:
        # A full phone number has eight digits or more; the tests also hand the stack bad ones
        # ("12345", refused by the form and the import), which are no one's phone and turn up
        # in any hex identifier (CI of 723e02a: a UUID in nginx's log held 12345).
        digits = re.sub(r"\D", "", p.split("#")[0])
        if len(digits) >= 8:
            out[p] = "phone"
            out[digits] = "phone"
    return out


def standing_alone(value: str, text: str) -> int | None:
    """Where value first stands alone in text: not inside a longer run of letters and digits.
    A hex identifier (a UUID, a hash) holds runs of digits by chance, and they are no phone.
    A value logged as `phone=0912...`, in quotes or after a space still stands alone."""
    found = re.search(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", text)
    return found.start() if found else None


def hits(files: list[Path]) -> list[str]:
    wanted = needles()
    found = []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        for number, (value, kind) in enumerate(wanted.items()):
            if value in text and (at := standing_alone(value, text)) is not None:
                line = text.count("\n", 0, at) + 1
                start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
                masked = text[start : end if end >= 0 else len(text)].replace(value, "▇" * len(value))[:300]
                found.append(f"{f}: line {line}: a {kind} of the test data (#{number}): {masked}")
    return found


def session_start() -> float:
    return time.time()
