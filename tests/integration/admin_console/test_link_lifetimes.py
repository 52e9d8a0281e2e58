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

import pytest
import requests

import policies
from stack.mailsink import body_text
from stack.paths import REALM_NAME
from tests.support.waiting import wait_until

from .world import OWN_USER, ManagerWorld


def _link(message) -> str:
    link = re.search(r"https?://\S+action-token\S+", body_text(message))
    assert link, "no action-token link in the mail"
    return link.group(0)


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
    rule, in Java); test_a_link_is_refused_once_the_realms_lifespan_has_passed drives a real link past it."""
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


def _refused(link: str) -> str | None:
    """The page Keycloak shows for `link` once it refuses it; None while the link works."""
    page = requests.get(link, timeout=30)
    return page.text if page.status_code == 400 and "kc-error-message" in page.text else None


@pytest.fixture
def short_admin_lifespan(admin):
    """The realm's admin action lifespan shortened to 2 seconds for one test and put back after,
    so that a link can outlive it without the test waiting an hour."""
    hour = admin.get_realm(REALM_NAME)["actionTokenGeneratedByAdminLifespan"]
    try:
        yield lambda: admin.update_realm(REALM_NAME, {"actionTokenGeneratedByAdminLifespan": 2})
    finally:
        admin.update_realm(REALM_NAME, {"actionTokenGeneratedByAdminLifespan": hour})
        assert admin.get_realm(REALM_NAME)["actionTokenGeneratedByAdminLifespan"] == hour


def test_a_link_is_refused_once_the_realms_lifespan_has_passed(world, keycloak, mail, page, short_admin_lifespan):
    """Covers: R-LCK-4

    A manager sends the set-password mail asking for 12 hours; the link works while it is younger
    than the realm's admin action lifespan, and once it is older (the lifespan shortened to
    2 seconds, so the test need not wait an hour) Keycloak refuses it though the link's own expiry
    is still 12 hours away. The person who opens it in the browser reads, in zh-Hant with English
    beside it, that the link has expired and what to do: 「忘記密碼？」 on the sign-in page, or ask
    their account manager to send it again."""
    person = world.target(OWN_USER)
    sent = int(time.time())
    r = world.manager_api()._do(
        "PUT", f"/users/{person['id']}/execute-actions-email", params={"lifespan": 12 * 3600}, json=["UPDATE_PASSWORD"]
    )
    assert r.status_code == 204
    (message,) = mail.wait_for(person["email"])
    assert _link_expiry(message) >= sent + 12 * 3600 - 5
    link = _link(message)
    opened = requests.get(link, timeout=30)
    assert opened.status_code == 200 and "kc-error-message" not in opened.text  # within its lifetime (the hour)

    short_admin_lifespan()
    wait_until(lambda: _refused(link), timeout=120, what="the link refused as expired", interval=1)
    page.goto(link)  # the person opens the mail's link, later than its lifetime
    told = page.locator("#kc-error-message, .kc-feedback-text").first.inner_text()
    assert "逾" in told and "「忘記密碼？」" in told and "帳號管理者" in told, told
    assert "Forgot password" in told and "account manager" in told, told
    assert page.locator("#password-new").count() == 0  # no way to set a password through it
    assert int(time.time()) < _link_expiry(message)  # refused by the realm's lifespan, not the asked-for 12 hours
