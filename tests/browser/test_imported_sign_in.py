"""People moved in from the old system sign in, in a real browser: with their old password
(the imported PBKDF2 hash), or through the set-a-password link mailed to them
(docs/legacy-import.md)."""

from __future__ import annotations

import random
import re

from stack import legacy_export as export
from stack.mailsink import body_text
from tests.conftest import good_password, unique
from tests.integration.sync.conftest import sync_settings
from tests.integration.sync.test_legacy_import import OLD_PASSWORD, remembered, run_cli
from tests.pages.keycloak import FirstSignInSteps


def imported(keycloak, run_secrets, mail, tmp_path, **row) -> dict:
    """One account imported through the command; returns its row."""
    rng = random.Random()
    account = unique("old")
    [person] = remembered([export.row(account, f"{rng.randrange(10**10):010d}", rng=rng, **row)])
    settings = sync_settings(keycloak, run_secrets, mail, tmp_path)
    run_cli(settings, "import-legacy", str(export.write(tmp_path / "export.csv", [person])))
    person["settings"] = settings
    return person


def test_an_imported_person_signs_in_with_the_old_password(
    keycloak, run_secrets, mail, tmp_path, screening, login_page, page
):
    """The old system's hash opens the door once; then the person sets a password under today's
    rules, accepts the terms and confirms the profile, and the screening system gets the grant.

    Covers: R-PWD-1, R-CONF-1
    """
    person = imported(keycloak, run_secrets, mail, tmp_path, password_hash=export.pbkdf2_hash(OLD_PASSWORD))
    screening.start_sign_in()
    login_page.sign_in(person["account"], OLD_PASSWORD)
    steps = FirstSignInSteps(page).complete(good_password())
    assert "password" in steps and "terms" in steps
    assert screening.is_signed_in_as(person["account"])
    assert [(g["institution"], g["category"], g["level"]) for g in screening.grants()] == [
        (person["institution_code"], "CRC-COL", "user")
    ]


def test_an_imported_person_without_a_hash_sets_a_password_through_the_mailed_link(
    keycloak, run_secrets, mail, tmp_path, screening, login_page, page
):
    """No usable hash: no password, and Keycloak's set-a-password mail; the link sets one and the
    person signs in with it.
    """
    person = imported(keycloak, run_secrets, mail, tmp_path)
    run_cli(person["settings"], "jobs", "run", "legacy-import-mail")
    [message] = mail.wait_for(person["email"])
    link = re.search(r"https?://\S+action-token\S+", body_text(message)).group(0)
    page.goto(link)
    new_password = good_password()
    assert "password" in FirstSignInSteps(page).complete(new_password)
    screening.start_sign_in()
    login_page.sign_in(person["account"], new_password)
    FirstSignInSteps(page).complete(good_password())
    assert screening.is_signed_in_as(person["account"])
