"""`python -m sync_service login`: a token for the JSON API from a terminal, by
the OAuth 2.0 device authorization grant (RFC 8628) against the realm.

The person opens the address shown, on any device, signs in there (password
rules, lockout and all), and this command receives the access token. No
password passes through the terminal. Decision 0064."""

from __future__ import annotations

import base64
import hashlib
import secrets
import sys
import time
from collections.abc import Callable

import requests

GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class DeviceLoginFailed(Exception):
    pass


def device_login(
    issuer: str,
    client_id: str,
    client_secret: str = "",
    *,
    say: Callable[[str], None],
    timeout: float = 600,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """The token response once the person has approved; DeviceLoginFailed otherwise."""
    auth = (client_id, client_secret) if client_secret else None
    extra = {} if client_secret else {"client_id": client_id}
    # PKCE (S256) as on every flow of the realm's clients: the code is bound to this process.
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    try:
        start = requests.post(
            f"{issuer}/protocol/openid-connect/auth/device",
            data={"scope": "openid", "code_challenge": challenge, "code_challenge_method": "S256", **extra},
            auth=auth,
            timeout=20,
        )
    except requests.RequestException as e:
        raise DeviceLoginFailed(f"the realm cannot be reached at {issuer}: {type(e).__name__}") from None
    if start.status_code != 200:
        raise DeviceLoginFailed(f"the realm refused the device login: {start.status_code} {start.text[:200]}")
    grant = start.json()
    say(
        f"請在瀏覽器開啟 / Open in a browser:\n  {grant.get('verification_uri_complete') or grant['verification_uri']}\n"
        f"並確認代碼 / and confirm the code: {grant['user_code']}"
    )
    interval = float(grant.get("interval", 5))
    deadline = time.monotonic() + min(timeout, float(grant.get("expires_in", timeout)))
    while time.monotonic() < deadline:
        # The grant's own pace (RFC 8628 §3.5): ask no faster than `interval`, slower when told.
        sleep(interval)
        try:
            answer = requests.post(
                f"{issuer}/protocol/openid-connect/token",
                data={"grant_type": GRANT, "device_code": grant["device_code"], "code_verifier": verifier, **extra},
                auth=auth,
                timeout=20,
            )
        except requests.RequestException:
            continue  # the realm is briefly away: ask again at the next interval
        if answer.status_code == 200:
            return answer.json()
        error = (answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}).get(
            "error"
        )
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += 5
            continue
        raise DeviceLoginFailed(f"device login ended: {error or answer.status_code}")
    raise DeviceLoginFailed("the code expired before it was confirmed")


def main(settings, *, interval_override: float | None = None) -> int:
    issuer = f"{settings.keycloak_url.rstrip('/')}/realms/{settings.realm}"
    try:
        token = device_login(
            issuer,
            settings.pages_client_id,
            settings.pages_client_secret,
            say=lambda text: print(text, file=sys.stderr, flush=True),
            sleep=(lambda _s: time.sleep(interval_override)) if interval_override else time.sleep,
        )
    except DeviceLoginFailed as e:
        print(f"登入失敗 / sign-in failed: {e}", file=sys.stderr)
        return 1
    # Only the token on stdout: TOKEN=$(python -m sync_service login)
    print(token["access_token"])
    print(
        f"已登入，權杖 {token.get('expires_in', '?')} 秒內有效 / signed in; the token lasts "
        f"{token.get('expires_in', '?')} s",
        file=sys.stderr,
    )
    return 0
