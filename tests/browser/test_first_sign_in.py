"""A new account's first sign-in through the screening system (stand-in)."""

import time

from tests.conftest import good_password
from tests.pages.keycloak import ProfilePage, TermsPage, UpdatePasswordPage


def test_new_account_changes_password_confirms_profile_and_accepts_terms(
    admin, make_user, grant, institution, screening, login_page, page
):
    """Covers: R-PWD-1, R-CONF-1, R-CAT-1, R-CAT-2

    A user made with a temporary password must accept the confidentiality
    consent, replace the password and confirm the profile before the
    screening system receives a token with the user's grants."""
    user = make_user(temporary=True, required_actions=None)  # the realm's default actions apply
    grant(user, institution, "CRC-COL", "user")
    grant(user, institution, "GAS-COL", "manager")

    screening.start_sign_in()
    login_page.sign_in(user["username"], user["password"])

    terms = TermsPage(page)
    assert terms.is_shown()
    assert "保密同意暨個人資料提供同意書" in terms.heading()
    assert "個人資料保護法" in terms.text()
    accepted_after = int(time.time())
    terms.accept()

    update = UpdatePasswordPage(page)
    assert update.is_shown(), "a temporary password must be replaced"
    update.set_password(good_password())

    profile = ProfilePage(page)
    assert profile.is_shown(), "the person confirms the profile data"
    assert profile.value("email") == user["email"]
    assert profile.value("department") == "檢驗科"
    profile.confirm()

    assert screening.is_signed_in_as(user["username"])
    assert sorted(screening.grants(), key=lambda g: g["category"]) == [
        {
            "institution": institution,
            "category": "CRC-COL",
            "level": "user",
            "functions": ["correction-query", "eligibility-query"],
        },
        {"institution": institution, "category": "GAS-COL", "level": "manager", "functions": ["eligibility-query"]},
    ]
    # The acceptance is recorded on the account (R-CONF-1).
    recorded = admin.get_user(user["id"])["attributes"]["terms_and_conditions"][0]
    assert int(recorded) >= accepted_after - 1
    assert admin.get_user(user["id"])["requiredActions"] == []


def test_an_account_without_a_national_id_is_asked_for_it_first(
    admin, make_user, grant, institution, screening, login_page, page, national_id_key_file
):
    """Covers: R-ACC-1, R-PWD-5

    An account made before the rule (or by a path that skipped it) holds no national ID: at its
    next sign-in the person gives theirs before anything else, so the new password is checked
    against it. A wrong check digit and the ID of another account are refused with the reason in
    zh-Hant and English; Keycloak keeps the digests, never the number."""
    from sync_service.adapters.keys import load_or_create_key
    from sync_service.domain.national_id_digest import holds
    from tests.pages.keycloak import NationalIdPage
    from tests.support.personal_data import national_id

    someone_else = make_user()
    user = make_user(temporary=True, required_actions=None, nationalId=None)
    grant(user, institution, "CRC-COL", "user")
    mine = national_id()

    screening.start_sign_in()
    login_page.sign_in(user["username"], user["password"])
    step = NationalIdPage(page)
    assert step.is_shown(), "the national ID is asked before the terms and the password"
    assert "身分證字號" in step.heading()
    step.give(mine[:-1] + str((int(mine[-1]) + 1) % 10))
    assert "檢查碼" in step.error() and "check digit" in step.error()
    step.give(someone_else["national_id"])
    assert "一人一帳號" in step.error() and "One person, one account" in step.error()
    step.give(mine)

    TermsPage(page).accept()
    update = UpdatePasswordPage(page)
    assert update.is_shown()
    update.set_password(f"Qv^Tz{mine}Lm#")  # R-PWD-5 now has the number to check against
    assert update.is_shown(), "a password holding the person's national ID is refused"
    update.set_password(good_password())
    ProfilePage(page).confirm()
    assert screening.is_signed_in_as(user["username"])

    attributes = admin.get_user(user["id"])["attributes"]
    assert "nationalId" not in attributes
    assert holds(attributes, mine, load_or_create_key("", national_id_key_file))
