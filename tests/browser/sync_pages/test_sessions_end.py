"""Page sessions end when access ends (issue 19, decision 0130): sign-out ends the page session
and the realm's; a removed role, a disabled account or a session ended in Keycloak are refused
on the next page request within the check time; the cookie is an opaque id, HttpOnly, SameSite=Lax,
Secure over TLS. Journeys on both shapes (tests/prod/journeys imports them)."""

from __future__ import annotations

import base64
import time

import pytest
from sqlalchemy import func, select

from sync_service.adapters.tables import page_sessions
from sync_service.domain import Status
from tests.pages.sync_pages import ReviewApplicationPage, ServicePage
from tests.support.sync import new_account_name, ready_application
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser


def _page_sessions_of(service, subject: str) -> int:
    with service.engine.connect() as conn:
        return conn.execute(select(func.count()).where(page_sessions.c.subject == subject)).scalar_one()


def _check_seconds(service) -> float:
    """How long the pages trust the realm's last answer (3 s on the test stacks, decision 0130)."""
    return service.settings.page_session_check_seconds


def _refused_within_the_check_time(pages: ServicePage, path: str, changed_at: float, check_seconds: float) -> int:
    """Ask the page until it refuses; no answer of 200 may come from a request sent after the
    check time had passed since the change. The refusal's status."""
    while True:
        sent = time.monotonic()
        status = pages.answers(path)
        if status != 200:
            return status
        assert sent - changed_at <= check_seconds, f"{path} still shown {sent - changed_at:.1f} s after the change"


def test_sign_out_ends_the_page_session_and_the_realm_session_and_the_cookie_is_worth_nothing(
    service, base_url, reviewer, sign_in, page, admin, browser
):
    """Covers: R-PD-1"""
    sign_in(reviewer, "/review/")
    pages = ServicePage(page, base_url)
    cookie = pages.session_cookie()
    assert cookie["httpOnly"] and cookie["secure"] == base_url.startswith("https://")  # Secure over TLS
    # (SameSite=Lax as sent is checked in tests/unit/web/test_page_sessions.py: Chromium reports
    # a cookie sent without SameSite as "Lax" too.)
    # An opaque id: nobody reading the cookie learns who signed in or what they may do.
    padded = cookie["value"] + "=" * (-len(cookie["value"]) % 4)
    readable = cookie["value"] + base64.urlsafe_b64decode(padded.split(".")[0] + "==").decode("latin-1")
    for personal in (reviewer["username"], reviewer["email"], "hpa-reviewer", reviewer["id"]):
        assert personal not in readable
    assert admin.get_sessions(reviewer["id"])

    pages.sign_out()
    assert admin.get_sessions(reviewer["id"]) == []  # the realm's session ended too (RP-initiated logout)
    assert page.url.startswith(f"{base_url}/signed-out")
    assert _page_sessions_of(service, reviewer["id"]) == 0

    # The cookie kept from before the sign-out, replayed in another browser, opens nothing.
    other = browser.new_context()
    other.add_cookies([cookie])
    assert ServicePage(other.new_page(), base_url).answers("/review/") == 302
    other.close()


def test_a_reviewer_whose_role_is_removed_is_refused_within_the_check_time(
    service, base_url, reviewer, sign_in, page, admin
):
    sign_in(reviewer, "/review/")
    pages = ServicePage(page, base_url)
    assert pages.answers("/review/") == 200
    admin.delete_realm_roles_of_user(reviewer["id"], [admin.get_realm_role("hpa-reviewer")])
    changed_at = time.monotonic()
    assert _refused_within_the_check_time(pages, "/review/", changed_at, _check_seconds(service)) == 403
    assert pages.answers("/mine") == 200  # still signed in, only no longer a reviewer


def test_a_disabled_ex_reviewer_cannot_reject_an_application(
    service, base_url, reviewer, sign_in, page, admin, institution
):
    reference = ready_application(service, "A", institution, new_account_name())
    sign_in(reviewer, f"/review/{reference}")
    file = ReviewApplicationPage(page, base_url)
    assert "已收正本" in file.status()
    admin.update_user(reviewer["id"], {"enabled": False})
    disabled_at = time.monotonic()
    # The reviewer, whose page is still open, sends the rejection once the check is due.
    wait_until(
        lambda: time.monotonic() - disabled_at > _check_seconds(service),
        _check_seconds(service) + 30,
        "the page's sign-in check to be due",
    )
    file.reject("不符資格")
    assert not page.url.startswith(f"{base_url}/review/")  # sent to sign in, which a disabled account cannot
    with service.uow() as uow:
        app = uow.applications.get(reference)
        trail = uow.audit_trail(reference)
    assert app.status is Status.ORIGINALS_RECEIVED and app.decided_by is None
    assert not [e for e in trail if e.action == "application.rejected"]
    assert _page_sessions_of(service, reviewer["id"]) == 0


def test_a_session_ended_in_keycloak_ends_the_page_session_at_once(service, base_url, reviewer, sign_in, page, admin):
    """Back-channel logout: Keycloak tells the service, which ends the page session without
    waiting for the next check."""
    sign_in(reviewer, "/review/")
    pages = ServicePage(page, base_url)
    assert pages.answers("/review/") == 200
    assert _page_sessions_of(service, reviewer["id"]) == 1
    admin.user_logout(reviewer["id"])  # an administrator signs the person out everywhere
    wait_until(lambda: _page_sessions_of(service, reviewer["id"]) == 0, what="the back-channel logout")
    assert pages.answers("/review/") == 302
