"""Page sessions end when access ends, on the production shape (issue 19 point 1, decision 0130):
the pages under gunicorn x2 on PostgreSQL, two Keycloak nodes behind nginx. A reviewer signed in
to the pages is refused /review/ within the check time once the role is removed, and an
administrator's sign-out reaches the service by Keycloak's back-channel logout and ends the page
session at once."""

from __future__ import annotations

import html
import re
import time

import requests
from sqlalchemy import func, select

from sync_service.adapters.tables import page_sessions
from tests.support.waiting import wait_until

_FORM_ACTION = re.compile(r'<form id="kc-form-login"[^>]*\saction="([^"]+)"')


def _signed_in_to_the_pages(stack, username: str, password: str) -> requests.Session:
    """The pages' sign-in as a browser takes it: /sign-in, the realm's form, back with a code."""
    ca = str(stack.ca_file)
    browser = requests.Session()
    r = browser.get(f"{stack.sync_url}/sign-in?next=/review/", allow_redirects=False, timeout=60)
    assert r.status_code == 302, r.status_code
    form = browser.get(r.headers["Location"], verify=ca, timeout=120)
    action = _FORM_ACTION.search(form.text)
    assert action, form.text[:500]
    r = browser.post(
        html.unescape(action.group(1)),
        data={"username": username, "password": password},
        allow_redirects=False,
        verify=ca,
        timeout=120,
    )
    assert r.status_code == 302 and r.headers["Location"].startswith(f"{stack.sync_url}/signed-in?"), r.text[:300]
    back = browser.get(r.headers["Location"], allow_redirects=False, timeout=60)
    assert back.status_code == 302 and back.headers["Location"].endswith("/review/"), (
        back.status_code,
        back.text[:300],
    )
    return browser


def _answers(stack, browser: requests.Session, path: str) -> int:
    return browser.get(f"{stack.sync_url}{path}", allow_redirects=False, timeout=60).status_code


def _page_sessions_of(wiring, subject: str) -> int:
    with wiring.engine.connect() as conn:
        return conn.execute(select(func.count()).where(page_sessions.c.subject == subject)).scalar_one()


def test_a_page_session_ends_with_the_role_and_with_the_realms_session(
    prod_stack, prod_admin, prod_wiring, make_people
):
    check_seconds = float(prod_stack.sync_env().get("SYNC_PAGE_SESSION_CHECK_SECONDS", "30"))
    [(username, password)] = make_people(1)
    user_id = prod_admin.get_user_id(username)
    reviewer = prod_admin.get_realm_role("hpa-reviewer")
    prod_admin.assign_realm_roles(user_id, [reviewer])
    browser = _signed_in_to_the_pages(prod_stack, username, password)
    assert _answers(prod_stack, browser, "/review/") == 200
    assert _page_sessions_of(prod_wiring, user_id) == 1  # in PostgreSQL, for both web processes

    prod_admin.delete_realm_roles_of_user(user_id, [reviewer])
    removed_at = time.monotonic()

    def refused() -> int:
        sent = time.monotonic()
        status = _answers(prod_stack, browser, "/review/")
        if status == 200:
            assert sent - removed_at <= check_seconds, f"/review/ still shown {sent - removed_at:.1f} s after"
            return 0
        return status

    assert wait_until(refused, check_seconds + 120, "/review/ refused after the role's removal", interval=0.5) == 403
    assert _answers(prod_stack, browser, "/mine") == 200  # still signed in, no longer a reviewer

    prod_admin.user_logout(user_id)  # an administrator signs the person out everywhere
    wait_until(lambda: _page_sessions_of(prod_wiring, user_id) == 0, 120, "Keycloak's back-channel logout")
    assert _answers(prod_stack, browser, "/mine") == 302
