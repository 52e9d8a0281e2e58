"""A person can see and correct the personal data the realm holds about them."""

import requests

from stack.paths import REALM_NAME
from sync_service.adapters.keys import load_or_create_key
from sync_service.domain.national_id_digest import holds
from tests.support.tokens import password_token


def _token(keycloak, user) -> str:
    # The test run's own client (tests/support/tokens.py): the realm's clients refuse the password grant.
    return password_token(keycloak.url, user["username"], user["password"])


def _holds_id(admin, user, national_id, key_file) -> bool:
    """Keycloak keeps keyed digests of the ID, not the number (docs/decisions/0030)."""
    attributes = admin.get_user(user["id"]).get("attributes", {})
    return "nationalId" not in attributes and holds(attributes, national_id, load_or_create_key("", key_file))


def test_person_views_and_corrects_own_profile(keycloak, admin, make_user, national_id_key_file):
    """Covers: R-PD-2, R-PD-1

    View (查詢或請求閱覽) and correct (請求補充或更正) through the account API; the
    national ID stays with the administrators (shown on request, never to a shared screen)."""
    user = make_user(birthDate="1990-03-12")
    headers = {"Authorization": f"Bearer {_token(keycloak, user)}", "Accept": "application/json"}
    url = f"{keycloak.url}/realms/{REALM_NAME}/account/"
    mine = requests.get(url, headers=headers, params={"userProfileMetadata": "true"}, timeout=30).json()
    assert mine["username"] == user["username"] and mine["email"] == user["email"]
    assert mine["attributes"]["phone"] == ["(02)2559-1969#116"]
    assert "nationalId" not in mine.get("attributes", {}) and "nationalIdDigests" not in mine.get("attributes", {})

    mine["attributes"]["phone"] = ["(02)2559-1969#117"]
    mine.pop("userProfileMetadata", None)
    r = requests.post(url, headers=headers, json=mine, timeout=30)
    assert r.status_code == 204, r.text
    assert admin.get_user(user["id"])["attributes"]["phone"] == ["(02)2559-1969#117"]
    assert _holds_id(admin, user, user["national_id"], national_id_key_file), "untouched"


def test_person_cannot_change_their_national_id(keycloak, admin, make_user, national_id_key_file):
    """Covers: R-PD-1, R-CONF-2

    The ID ties the account to one person; only the agency's administrators set it."""
    user = make_user()
    headers = {"Authorization": f"Bearer {_token(keycloak, user)}", "Accept": "application/json"}
    url = f"{keycloak.url}/realms/{REALM_NAME}/account/"
    mine = requests.get(url, headers=headers, timeout=30).json()
    mine.setdefault("attributes", {})["nationalId"] = ["B123456780"]
    requests.post(url, headers=headers, json=mine, timeout=30)
    assert _holds_id(admin, user, user["national_id"], national_id_key_file)
    assert not _holds_id(admin, user, "B123456780", national_id_key_file)
