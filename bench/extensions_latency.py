"""Sign-in and password-change latency with our extensions vs. the same realm without them.

    .venv/bin/python bench/extensions_latency.py [--rounds 200]

Starts its own Keycloak (free ports, temporary folder), imports realm-export.json
twice: `bench-with` as it is, `bench-without` with our password policies taken
out and the stock reset flow bound. Then, interleaving the two realms round by
round so both see the same machine load, it times
  - a browser-style sign-in (GET the login page, POST the form, follow to the code), and
  - a password change through the Admin REST API (runs the realm's password policy).
Prints medians and the ratio with/without. Target: at most 1.05 at the median.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stack.credentials_file import WANTED, demo_password  # noqa: E402
from stack.keycloak import KeycloakInstance, build_providers  # noqa: E402
from stack.paths import REALM_FILE  # noqa: E402
from stack.realm import realm_env  # noqa: E402

OUR_POLICIES = ("noPersonalData", "passwordStrength")
REDIRECT = "http://127.0.0.1:5080/callback"


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{([A-Z_]+)(?::([^}]*))?\}", lambda m: values.get(m[1], m[2] or ""), text)


def realm_variant(base: dict, name: str, with_extensions: bool) -> dict:
    realm = json.loads(json.dumps(base))
    realm["realm"] = name
    realm.pop("id", None)
    if not with_extensions:
        terms = [t for t in realm["passwordPolicy"].split(" and ") if t.split("(")[0] not in OUR_POLICIES]
        realm["passwordPolicy"] = " and ".join(terms)
        realm.pop("resetCredentialsFlow", None)
        realm["authenticationFlows"] = [
            f for f in realm.get("authenticationFlows", []) if not f["alias"].startswith("screening")
        ]
        realm["eventsListeners"] = [e for e in realm.get("eventsListeners", []) if e == "jboss-logging"]
    return realm


class Realm:
    def __init__(self, kc: KeycloakInstance, admin_token, name: str):
        self.kc, self.admin_token, self.name = kc, admin_token, name

    def admin(self, method, path, **kw):
        r = requests.request(
            method,
            f"{self.kc.url}/admin/realms/{self.name}{path}",
            headers={"Authorization": f"Bearer {self.admin_token()}"},
            timeout=30,
            **kw,
        )
        r.raise_for_status()
        return r

    def make_user(self) -> tuple[str, str, str]:
        username = "b" + secrets.token_hex(6)
        password = f"Kq{secrets.token_hex(5)}~Zx{secrets.randbelow(900) + 100}"
        self.admin(
            "POST",
            "/users",
            json={
                "username": username,
                "email": f"{username}@clinic.example.tw",
                "enabled": True,
                "firstName": "怡君",
                "lastName": "陳",
                "requiredActions": [],
                "attributes": {"department": ["檢驗科"], "phone": ["(02)2559-1969#116"], "birthDate": ["1990-03-12"]},
                "credentials": [{"type": "password", "value": password, "temporary": False}],
            },
        )
        user_id = self.admin("GET", "/users", params={"username": username, "exact": "true"}).json()[0]["id"]
        self.admin("PUT", f"/users/{user_id}", json={"requiredActions": []})
        return user_id, username, password

    def sign_in(self, username: str, password: str) -> float:
        s = requests.Session()
        t = time.perf_counter()
        page = s.get(
            f"{self.kc.url}/realms/{self.name}/protocol/openid-connect/auth?"
            + urlencode(
                {
                    "client_id": "screening-system",
                    "response_type": "code",
                    "scope": "openid",
                    "redirect_uri": REDIRECT,
                    "code_challenge": "x" * 43,
                    "code_challenge_method": "S256",
                }
            ),
            timeout=30,
        )
        form = re.search(r'action="([^"]+)"', page.text)
        assert form is not None, "no sign-in form"
        action = form.group(1).replace("&amp;", "&")
        # Keycloak marks its cookies Secure; requests keeps those off plain http, a browser on
        # 127.0.0.1 sends them. Send them as the browser would.
        cookies = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
        r = s.post(
            action,
            data={"username": username, "password": password},
            headers={"Cookie": cookies},
            allow_redirects=False,
            timeout=30,
        )
        elapsed = time.perf_counter() - t
        assert r.status_code == 302 and "code=" in r.headers["Location"], (
            r.status_code,
            re.findall(r"(?s)kc-page-title\">(.*?)<|kc-feedback-text\">(.*?)<", r.text),
        )
        return elapsed

    def change_password(self, user_id: str) -> tuple[float, str]:
        """Set a new password (the realm's policy runs); returns the time taken and the password."""
        password = f"Mz{secrets.token_hex(5)}^Tq{secrets.randbelow(900) + 100}"
        t = time.perf_counter()
        self.admin(
            "PUT", f"/users/{user_id}/reset-password", json={"type": "password", "value": password, "temporary": False}
        )
        return time.perf_counter() - t, password


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    values = {k: demo_password() if n == 0 else secrets.token_urlsafe(n) for k, n in WANTED.items()}
    ports = {"keycloak": 18680, "management": 19600, "smtp": 12625, "sync-service": 15000, "screening-client": 5080}
    kc = KeycloakInstance(
        home=Path(tempfile.mkdtemp(prefix="kc-latency-")),
        http_port=ports["keycloak"],
        management_port=ports["management"],
        admin_password=values["KC_BOOTSTRAP_ADMIN_PASSWORD"],
        env=realm_env(values, ports),
    )
    kc.prepare(build_providers())
    kc.start()
    try:
        kc.wait_ready()
        token: dict[str, Any] = {"value": None, "at": 0.0}

        def admin_token():
            if time.monotonic() - token["at"] > 30:
                token["value"] = requests.post(
                    f"{kc.url}/realms/master/protocol/openid-connect/token",
                    data={
                        "client_id": "admin-cli",
                        "grant_type": "password",
                        "username": "admin",
                        "password": kc.admin_password,
                    },
                    timeout=30,
                ).json()["access_token"]
                token["at"] = time.monotonic()
            return token["value"]

        base = json.loads(fill_placeholders(REALM_FILE.read_text(), realm_env(values, ports)))
        realms = {}
        for name, with_ext in (("bench-with", True), ("bench-without", False)):
            requests.post(
                f"{kc.url}/admin/realms",
                json=realm_variant(base, name, with_ext),
                headers={"Authorization": f"Bearer {admin_token()}"},
                timeout=120,
            ).raise_for_status()
            realms[name] = Realm(kc, admin_token, name)
        users = {name: r.make_user() for name, r in realms.items()}
        for name, r in realms.items():  # warm-up: JIT, caches
            for _ in range(20):
                r.sign_in(*users[name][1:])
                user_id, username, _ = users[name]
                users[name] = (user_id, username, r.change_password(user_id)[1])
        times: dict[tuple[str, str], list[float]] = {
            (name, what): [] for name in realms for what in ("sign-in", "password change")
        }
        for i in range(args.rounds):
            order = list(realms.items()) if i % 2 == 0 else list(reversed(realms.items()))
            for name, r in order:
                user_id, username, password = users[name]
                times[(name, "sign-in")].append(r.sign_in(username, password))
                elapsed, new = r.change_password(user_id)
                times[(name, "password change")].append(elapsed)
                users[name] = (user_id, username, new)
            if (i + 1) % 50 == 0:
                print(f"  {i + 1}/{args.rounds} rounds", flush=True)
        print("\n| operation | with extensions, median ms | without, median ms | ratio |\n|---|---|---|---|")
        for what in ("sign-in", "password change"):
            w = statistics.median(times[("bench-with", what)]) * 1000
            wo = statistics.median(times[("bench-without", what)]) * 1000
            print(f"| {what} | {w:.1f} | {wo:.1f} | {w / wo:.3f} |")
        print(f"\n{args.rounds} rounds each, interleaved; target ratio ≤ 1.05")
    finally:
        kc.stop()
        shutil.rmtree(kc.home, ignore_errors=True)


if __name__ == "__main__":
    main()
