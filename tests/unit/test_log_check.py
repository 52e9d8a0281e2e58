"""The run's log check (tests/support/log_check.py) finds what it must, and says where, not what.
The check of pure code; the run itself applies it to every log (tests/conftest.py)."""

import time

from tests.support import log_check
from tests.support.personal_data import NATIONAL_IDS, PHONES


def test_a_national_id_or_a_phone_in_a_log_is_found_and_not_repeated(tmp_path):
    """Covers: R-PD-1"""
    started = time.time() - 1
    clean = tmp_path / "keycloak.log"
    clean.write_text("INFO user 5f0c created\n")
    leaky = tmp_path / "sub" / "sync-service.log"
    leaky.parent.mkdir()
    national_id = sorted(NATIONAL_IDS)[0]
    leaky.write_text(f"INFO start\nINFO GET /applications?national_id={national_id}\nphone 0225591969\n")
    (tmp_path / "mail.eml").write_text(national_id)  # not a log
    files = log_check.log_files([tmp_path], since=started)
    found = log_check.hits(files)
    # The run's own check (which searches this folder too) must not trip over the planted line.
    leaky.unlink()
    assert files == [clean, leaky]
    assert any("sync-service.log: line 2: a national ID" in f for f in found), found
    assert any("line 3: a phone" in f for f in found), found
    assert not any(national_id in f for f in found), "the report never repeats the value"
    assert "(02)2559-1969#116" in PHONES


def test_digits_inside_a_hex_identifier_are_no_phone_and_no_national_id(tmp_path):
    """A UUID in the proxy's log whose last group holds a test phone's digits or a lower-cased
    national ID is not personal data, nor is a bad phone the tests type ("12345", as a UUID held
    in a CI run of 723e02a); the same full values standing alone are. Covers: R-PD-1"""
    started = time.time() - 1
    national_id = sorted(NATIONAL_IDS)[0].lower()
    log = tmp_path / "nginx-access.log"
    log.write_text(
        'POST /admin/realms/r/groups/350d1cb7-16e0-4622-b0b7-4d0e0225591969/children HTTP/1.1" 201\n'
        f"GET /users/0c{national_id}ab 200\n"
        "POST /groups/350d1cb7-16e0-4622-b0b7-4d0e12345750/children 201\n"
        "import: row 14, phone 12345 refused\n"
    )
    PHONES.add("12345")
    assert log_check.hits(log_check.log_files([tmp_path], since=started)) == []
    log.write_text(f'GET /x?phone=0225591969 200\n"{national_id}"\n')
    found = log_check.hits(log_check.log_files([tmp_path], since=started))
    log.unlink()
    assert any("line 1: a phone" in f for f in found), found
    assert any("line 2: a national ID" in f for f in found), found
