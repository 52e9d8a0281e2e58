"""Password guesses as an attacker sends them: many sign-in pages opened first, then every form
posted at the same moment (issue 19 item 3). What Keycloak did with each guess is read back from
its own record: a `LOGIN_ERROR` with `invalid_user_credentials` is a password it evaluated and
found wrong; `user_disabled` or `user_temporarily_disabled` is a guess refused without looking
at the password.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests

from stack.keycloak import sign_in_form_action
from stack.paths import REALM_NAME
from tests.support.waiting import wait_until

EVALUATED_WRONG = "invalid_user_credentials"


@dataclass
class SignInForm:
    """One person's sign-in page, opened: its cookies and the address the form posts to."""

    session: requests.Session
    action: str
    verify: bool | str = True

    def post(self, username: str, password: str) -> bool:
        """Post the form; True when Keycloak accepted the password (it sends the browser on)."""
        r = self.session.post(
            self.action,
            data={"username": username, "password": password},
            allow_redirects=False,
            verify=self.verify,
            timeout=120,
        )
        assert r.status_code in (200, 302, 400), (r.status_code, r.text[:300])
        return r.status_code == 302 and "code=" in r.headers.get("Location", "")


def open_sign_in_form(base_url: str, redirect_uri: str, verify: bool | str = True) -> SignInForm:
    """The screening system's sign-in page as a browser opens it (authorization request)."""
    session = requests.Session()
    r = session.get(
        f"{base_url}/realms/{REALM_NAME}/protocol/openid-connect/auth",
        params={
            "client_id": "screening-system",
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": redirect_uri,
            "state": uuid.uuid4().hex,
            "nonce": uuid.uuid4().hex,
            "code_challenge": base64.urlsafe_b64encode(hashlib.sha256(uuid.uuid4().hex.encode()).digest())
            .rstrip(b"=")
            .decode(),
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        verify=verify,  # given each time: REQUESTS_CA_BUNDLE would win over a session's own
        timeout=120,
    )
    assert r.status_code == 200, (r.status_code, r.headers.get("Location"))
    for cookie in session.cookies:  # Keycloak marks them Secure; a browser sends them to 127.0.0.1 over http too
        cookie.secure = False
    return SignInForm(session, sign_in_form_action(r.text), verify)


def redirect_uri_of(admin) -> str:
    """A redirect address the screening system's client accepts (its pattern ends in '/*')."""
    client = admin.get_client(admin.get_client_id("screening-system"))
    return client["redirectUris"][0].replace("/*", "/callback")


def on_node(form: SignInForm, node_url: str) -> SignInForm:
    """The same form posted straight to one node, past the load balancer (an attacker who can
    reach both nodes; the auth session's cookie is the host's, whatever the port)."""
    action, node = urlsplit(form.action), urlsplit(node_url)
    return SignInForm(form.session, urlunsplit((node.scheme, node.netloc, action.path, action.query, "")), form.verify)


def post_all_at_once(forms: list[SignInForm], username: str, passwords: list[str]) -> list[bool]:
    """Every form posted from its own thread, released together."""
    start = threading.Barrier(len(forms))
    accepted: list[bool | BaseException] = [False] * len(forms)

    def guess(i: int) -> None:
        try:
            start.wait()
            accepted[i] = forms[i].post(username, passwords[i])
        except BaseException as e:  # reported below, in the test's thread
            accepted[i] = e

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(forms))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    errors = [a for a in accepted if isinstance(a, BaseException)]
    assert not errors, errors[:3]
    return [bool(a) for a in accepted]


@dataclass
class Burst:
    """What came of a burst of wrong passwords and the right one after it."""

    errors: Counter  # the failed sign-ins' errors, by kind
    counted: int  # Keycloak's failure count afterwards
    locked: bool
    right_accepted: bool

    @property
    def evaluated(self) -> int:
        return self.errors[EVALUATED_WRONG]


def wrong_burst_then_right(admin, person: dict, forms: list[SignInForm], right: SignInForm) -> Burst:
    """Every form posted at once with a wrong password, then the right password on `right`."""
    accepted = post_all_at_once(forms, person["username"], [f"Wrong~Guess{i:03d}" for i in range(len(forms))])
    assert not any(accepted), "a wrong password was accepted"
    right_accepted = right.post(person["username"], person["password"])
    errors = sign_in_errors(admin, person["id"], len(forms) + (not right_accepted))
    return Burst(errors, failures_counted(admin, person["id"]), is_locked(admin, person["id"]), right_accepted)


def sign_in_errors(admin, user_id: str, expected: int) -> Counter:
    """The errors of the person's failed sign-ins, once Keycloak has stored all `expected` of them."""

    def stored() -> Counter | None:
        events = admin.get_events({"user": user_id, "type": "LOGIN_ERROR", "max": 1000})
        return Counter(e.get("error") for e in events) if len(events) >= expected else None

    return wait_until(stored, timeout=120, what=f"{expected} failed sign-ins stored by Keycloak")


def failures_counted(admin, user_id: str) -> int:
    """Keycloak's brute-force count for the person (what decides the lock)."""
    return int(admin.get_bruteforce_detection_status(user_id)["numFailures"])


def is_locked(admin, user_id: str) -> bool:
    user = admin.get_user(user_id)
    return not user["enabled"] and user.get("attributes", {}).get("disabledReason") == ["permanentLockout"]
