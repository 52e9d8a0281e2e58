"""The pages in-process (fake Keycloak): the intake form's limits and captcha,
the CSP, and the reviewer's retry and cancel of a failed provisioning."""

from __future__ import annotations

import re
import time

from sync_service.domain import Status
from sync_service.services import applications as use_cases
from sync_service.services.clock import utcnow
from tests.support.sync import REVIEWER, budgets, form, new_account_name, ready_application

from .conftest import make_app, sign_in

CODE = "0401180014"


def _page_form(client, path="/apply?type=A"):
    html = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    challenge = re.search(r'name="challenge" value="([^"]+)"', html)
    return token, challenge.group(1) if challenge else None


def test_the_form_is_throttled_like_the_api_and_keeps_what_was_typed(tmp_path):
    """The intake's throttle on the page as on the API; what was typed stays."""
    app = make_app(tmp_path, budgets=budgets(type_a_tries_per_address_per_minute=2))
    client = app.test_client()
    wiring = app.extensions["sync"]
    statuses = []
    for _ in range(3):
        token, challenge = _page_form(client)
        body = {
            **form("A", CODE, new_account_name()),
            "csrf_token": token,
            "challenge": challenge,
            "captcha": wiring.challenges.answer_for_tests(challenge),
        }
        r = client.post("/apply", data=body)
        statuses.append(r.status_code)
    assert statuses == [303, 303, 429]
    page = r.get_data(as_text=True)
    assert "請於" in page and "try again in" in page and body["institution_name"] in page
    assert r.headers["Retry-After"].isdigit()
    assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
    wiring.engine.dispose()


def test_a_captcha_is_answered_once(tmp_path):
    """A captcha answer and a CSRF token are good once and only from this site's form."""
    app = make_app(tmp_path)
    client = app.test_client()
    wiring = app.extensions["sync"]
    token, challenge = _page_form(client)
    answer = wiring.challenges.answer_for_tests(challenge)
    body = {**form("A", CODE, new_account_name()), "csrf_token": token, "challenge": challenge, "captcha": answer}
    assert client.post("/apply", data=body).status_code == 303
    again = {**body, "account": new_account_name()}
    r = client.post("/apply", data=again)
    assert r.status_code == 422 and "驗證碼不正確或已過期" in r.get_data(as_text=True)
    assert client.post("/apply", data={**again, "csrf_token": "forged"}).status_code == 400
    wiring.engine.dispose()


def test_a_reviewer_retries_or_cancels_a_failed_provisioning_from_the_page(tmp_path):
    """Covers: R-MGR-1, R-AUD-1"""
    app = make_app(tmp_path)
    wiring = app.extensions["sync"]
    client = app.test_client()
    failed = []
    for _ in range(2):
        reference = ready_application(wiring, "A", f"{int(time.time() * 1000) % 10**10:010d}", new_account_name())
        use_cases.approve(wiring.uow(), reference, caller=REVIEWER)
        with wiring.uow() as uow:
            application = uow.applications.get(reference)
            application.mark_failed("Keycloak refused the account", by="worker", at=utcnow())
            uow.applications.save(application)
            uow.commit()
        failed.append(reference)
    sign_in(client, app, REVIEWER)
    page = client.get(f"/review/{failed[0]}").get_data(as_text=True)
    assert 'id="retry"' in page and 'id="cancel"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/review/{failed[0]}/retry", data={"csrf_token": token}).status_code == 303
    r = client.post(f"/review/{failed[1]}/cancel", data={"csrf_token": token, "reason": " "})
    assert r.status_code == 422 and "取消原因" in r.get_data(as_text=True)
    assert (
        client.post(f"/review/{failed[1]}/cancel", data={"csrf_token": token, "reason": "機構已撤回"}).status_code
        == 303
    )
    with wiring.uow() as uow:
        assert uow.applications.get(failed[0]).status is Status.APPROVED
        assert uow.applications.get(failed[1]).status is Status.CANCELLED
    wiring.engine.dispose()
