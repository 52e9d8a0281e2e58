"""R-PWD-5 through the admin console's reset-password (the Admin REST call its Credentials tab
makes), with a manager's own token: Keycloak refuses a password holding the person's national
ID, birthday (Western and ROC forms) or phone number."""

from __future__ import annotations

from tests.conftest import good_password
from tests.support.personal_data import bad_passwords, person


def test_a_manager_cannot_set_a_password_holding_the_persons_data(world):
    """Covers: R-PWD-5"""
    data = person()
    target = world.make_user(
        required_actions=[],
        groups=[world.own_users_group["path"]],
        nationalId=data["nationalId"],
        birthDate=data["birthDate"],
        mobile=data["mobile"],
    )
    api = world.manager_api()
    url = f"{api.base}/users/{target['id']}/reset-password"
    for kind, (password, key) in bad_passwords(data).items():
        r = api.http.put(url, json={"type": "password", "value": password, "temporary": True}, timeout=60)
        assert r.status_code == 400, f"{kind}: {password!r} accepted ({r.status_code})"
        assert key in r.text, f"{kind}: {r.text}"
    assert api.reset_password(target["id"], good_password()) == 204, "a clean password is accepted"
