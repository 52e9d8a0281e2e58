"""One hour for every change-password link (R-LCK-4, issue 22 point 5): 「變更密碼通知信裡的連結網址，
有效期限僅 1 小時」. The set-password mail a manager sends from the console (Keycloak's execute-actions
mail, whose lifetime the console fills from the realm's admin action lifespan) carries a link that
ends one hour after it was sent, as the reset mail's does; the number comes from policies/."""

from __future__ import annotations

import base64
import json
import re
import time
from urllib.parse import parse_qs, urlparse

import requests

import policies
from stack.mailsink import body_text
from stack.paths import REALM_NAME

from .world import OWN_USER, ManagerWorld


def _link_expiry(message) -> int:
    """The `exp` of the action token in the mail's link (the `key` parameter, a signed JWT)."""
    link = re.search(r"https?://\S+action-token\S+", body_text(message))
    assert link, "no action-token link in the mail"
    key = parse_qs(urlparse(link.group(0)).query)["key"][0]
    payload = key.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"]


def test_a_managers_set_password_mail_lasts_one_hour(admin, make_user, keycloak, mail):
    """Covers: R-LCK-4"""
    hour = policies.load().reset_link_lifetime_seconds
    assert hour == 3600
    realm = admin.get_realm(REALM_NAME)
    assert realm["actionTokenGeneratedByAdminLifespan"] == hour  # what the console's dialog starts from
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    person = world.target(OWN_USER)
    sent = int(time.time())
    assert world.manager_api().send_actions_mail(person["id"], ["UPDATE_PASSWORD"]) == 204
    (message,) = mail.wait_for(person["email"])
    assert sent + hour - 5 <= _link_expiry(message) <= int(time.time()) + hour + 5


def test_a_link_asked_for_longer_is_keycloaks_own_handler_with_the_hour_on_top(admin, make_user, keycloak, mail):
    """Covers: R-LCK-4

    The console's dialog lets the sender pick a longer lifetime (12 hours here); our handler of the
    set-password link (SetPasswordLinkHandler, Keycloak's own plus LinkAge) is the one Keycloak uses
    and lets the link work within its first hour. The refusal after the hour is LinkAgeTest's (the
    rule, in Java): no test here can get a link Keycloak signed an hour ago."""
    spis = admin.connection.raw_get("admin/serverinfo").json()["providers"]
    (handlers,) = [
        v["providers"] for v in spis.values() if {"execute-actions", "reset-credentials"} <= set(v["providers"])
    ]
    assert handlers["execute-actions"].get("order") == 1, handlers["execute-actions"]  # ours replaces the built-in
    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    world.provision()
    person = world.target(OWN_USER)
    sent = int(time.time())
    r = world.manager_api()._do(
        "PUT", f"/users/{person['id']}/execute-actions-email", params={"lifespan": 12 * 3600}, json=["UPDATE_PASSWORD"]
    )
    assert r.status_code == 204
    (message,) = mail.wait_for(person["email"])
    assert _link_expiry(message) >= sent + 12 * 3600 - 5  # what the sender asked for ...
    link = re.search(r"https?://\S+action-token\S+", body_text(message)).group(0)
    page = requests.get(link, timeout=30)
    assert page.status_code == 200 and "kc-error-message" not in page.text  # ... and it works in its first hour
