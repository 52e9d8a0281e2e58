"""Three wrong passwords lock the account; the reset mail's link lives one hour."""
import base64
import json
import re

from tests.pages.keycloak import ResetCredentialsPage

WRONG = "Wrong~Password1"


def test_three_wrong_passwords_lock_the_account(admin, make_user, screening, login_page):
    """Covers: R-LCK-1"""
    user = make_user()
    screening.start_sign_in()
    for _ in range(3):
        login_page.sign_in(user["username"], WRONG)
        assert "帳號或密碼無效" in login_page.messages() or "無效" in login_page.messages()
    login_page.sign_in(user["username"], user["password"])
    assert not screening.is_signed_in_as(user["username"]), "the right password must fail once locked"
    assert login_page.page.locator("#password").count() == 1
    locked = admin.get_user(user["id"])
    assert locked["enabled"] is False
    assert locked["attributes"].get("disabledReason") == ["permanentLockout"]


def _token_payload(link: str) -> dict:
    key = re.search(r"key=([^&\s]+)", link).group(1)
    payload = key.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_reset_mail_arrives_and_its_link_lives_one_hour(make_user, mail, screening, login_page, page):
    """Covers: R-LCK-4"""
    user = make_user()
    screening.start_sign_in()
    login_page.forgot_password()
    ResetCredentialsPage(page).request(user["username"])
    [message] = mail.wait_for(user["email"])
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+action-token\S+", body).group(0)
    token = _token_payload(link)
    assert token["exp"] - token["iat"] == 3600
    assert token["typ"] == "reset-credentials"
