"""The pages' sessions in-process (fake realm): kept on the server and encrypted, an opaque
cookie with its flags, the realm asked again after the check time (decision 0130)."""

from __future__ import annotations

from sqlalchemy import select

from sync_service.adapters.tables import page_sessions
from sync_service.services.ports import Caller, SignInState
from sync_service.services.signins import HeldSignIn, confirmed
from tests.support.sync import REVIEWER

from .conftest import make_app, sign_in


def _cookie(response) -> str:
    [cookie] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    return cookie


def test_the_cookie_is_an_opaque_id_with_its_flags_and_the_row_is_encrypted(tmp_path):
    """Covers: R-PD-1"""
    app = make_app(tmp_path)
    client = app.test_client()
    sign_in(client, app, REVIEWER)
    r = client.get("/review/")
    assert r.status_code == 200
    client.get("/apply?type=A")  # the form's CSRF token: the session changes, the cookie is set again
    https = app.test_client()
    cookie = _cookie(https.get("/apply?type=A", base_url="https://pages.example"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    plain = _cookie(app.test_client().get("/apply?type=A"))
    assert "Secure" not in plain and "HttpOnly" in plain
    with app.extensions["sync"].engine.connect() as conn:
        rows = conn.execute(select(page_sessions)).all()
    signed_in = [row for row in rows if row.subject == REVIEWER.subject]
    assert len(signed_in) == 1 and signed_in[0].keycloak_session == f"sid-{REVIEWER.subject}"
    for row in rows:
        assert REVIEWER.username.encode() not in row.data and b"hpa-reviewer" not in row.data
    app.extensions["sync"].engine.dispose()


def test_a_page_asks_the_realm_again_after_the_check_time(tmp_path):
    app = make_app(tmp_path, page_session_check_seconds=0)
    kc = app.extensions["sync"].directory_factory.__self__
    client = app.test_client()
    sign_in(client, app, REVIEWER)
    assert client.get("/review/").status_code == 200
    kc.sign_ins[REVIEWER.subject]["roles"] = frozenset()
    assert client.get("/review/").status_code == 403  # the role is gone, the sign-in stays
    assert client.get("/mine").status_code == 200
    kc.sign_ins[REVIEWER.subject]["enabled"] = False
    r = client.get("/mine")
    assert r.status_code == 302 and "/sign-in" in r.headers["Location"]
    kc.sign_ins[REVIEWER.subject]["enabled"] = True
    assert client.get("/mine").status_code == 302  # the page session ended with it: sign in again
    app.extensions["sync"].engine.dispose()


def test_the_realm_is_not_asked_within_the_check_time_and_an_outage_fails_closed():
    held = HeldSignIn(Caller("s", "u", frozenset({"hpa-reviewer"}), session_id="k"), until=1000.0, checked_at=100.0)

    class Directory:
        calls = 0
        state = SignInState(alive=True, roles=frozenset())

        def sign_in_state(self, account_id, session_id):
            self.calls += 1
            return self.state

    d = Directory()
    assert confirmed(held, d, now=129.0, check_every=30) is held and d.calls == 0
    again = confirmed(held, d, now=130.0, check_every=30)
    assert d.calls == 1 and again.caller.roles == frozenset() and again.checked_at == 130.0
    assert confirmed(held, d, now=1000.0, check_every=30) is None  # past the realm session's end
    d.state = SignInState(alive=False)
    assert confirmed(held, d, now=200.0, check_every=30) is None


def test_sign_out_ends_the_page_session_and_sends_the_browser_to_the_realms_logout(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    sign_in(client, app, REVIEWER)
    page = client.get("/mine").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/sign-out", data={"csrf_token": token})
    assert r.status_code == 303
    assert "/protocol/openid-connect/logout?" in r.headers["Location"]
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fsigned-out" in r.headers["Location"]
    assert client.get("/mine").status_code == 302
    assert client.post("/backchannel-logout", data={"logout_token": "forged"}).status_code == 400
    app.extensions["sync"].engine.dispose()


def test_a_sign_in_answer_not_begun_here_is_a_clear_400_not_a_500(tmp_path):
    """Issue 19: `GET /signed-in?code=x&state=y` answered 500."""
    app = make_app(tmp_path)
    r = app.test_client().get("/signed-in?code=x&state=y")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "重新登入" in page and "sign in again" in page
    app.extensions["sync"].engine.dispose()
