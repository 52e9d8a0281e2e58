"""Sign-in and password-change latency with our extensions vs. the same realm without them.

    .venv/bin/python bench/extensions_latency.py [--rounds 200] [--keycloak-url URL --admin-password PW --vault-dir DIR]

Starts its own Keycloak (free ports, temporary folder) unless given one, imports
realm-export.json twice: `bench-with` as it is, `bench-without` with our password
policies, listeners and flows taken out. Each realm gets two people: one who signs in
(they did their first sign-in once, setting their own password, as everyone does: every
password an administrator sets is temporary, decision 0031) and one whose password an
administrator changes. Then, interleaving the two realms round by round so both see the
same machine load, it times
  - a browser-style sign-in (GET the login page, POST the form, follow to the code), and
  - a password change through the Admin REST API (runs the realm's password policy).
Prints medians and the ratio with/without. Target: at most 1.05 at the median. Both realms
are removed at the end.
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
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stack.credentials_file import WANTED, demo_password  # noqa: E402
from stack.keycloak import NATIONAL_ID_KEY, KeycloakInstance, build_providers  # noqa: E402
from stack.network import free_port  # noqa: E402
from stack.paths import REALM_FILE  # noqa: E402
from stack.realm import realm_env  # noqa: E402
from stack.samples import national_id_of  # noqa: E402
from sync_service.adapters.keys import load_or_create_key  # noqa: E402

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
        realm.pop("browserFlow", None)  # the screening browser flow (locked and closed accounts told so) is ours
        realm["authenticationFlows"] = [
            f for f in realm.get("authenticationFlows", []) if not f["alias"].startswith("screening")
        ]
        realm["eventsListeners"] = [e for e in realm.get("eventsListeners", []) if e == "jboss-logging"]
    return realm


class Realm:
    def __init__(self, kc: Server, admin_token: Callable[[], str], name: str):
        self.kc, self.admin_token, self.name = kc, admin_token, name

    def admin(self, method, path, **kw):
        r = requests.request(
            method,
            f"{self.kc.url}/admin/realms/{self.name}{path}",
            headers={"Authorization": f"Bearer {self.admin_token()}"},
            timeout=30,
            **kw,
        )
        if not r.ok:
            raise AssertionError(f"{method} {path}: {r.status_code} {r.text[:500]}")
        return r

    def make_user(self) -> tuple[str, str, str]:
        username = "b" + secrets.token_hex(6)
        password = new_password()
        self.admin(
            "POST",
            "/users",
            json={
                "username": username,
                "email": f"{username}@clinic.example.tw",
                "enabled": True,
                "firstName": "怡君",
                "lastName": "陳",
                "attributes": {
                    "department": ["檢驗科"],
                    "phone": ["(02)2559-1969#116"],
                    "birthDate": ["1990-03-12"],
                    "nationalId": [national_id_of(username)],
                },
                "credentials": [{"type": "password", "value": password, "temporary": True}],
            },
        )
        user_id = self.admin("GET", "/users", params={"username": username, "exact": "true"}).json()[0]["id"]
        return user_id, username, password

    def first_sign_in(self, username: str, password: str) -> str:
        """The person's first sign-in, every page the realm asks for answered (a new password of
        their own, the profile as it is, the terms accepted); returns the password they chose."""
        s = requests.Session()
        page = s.get(self._auth_url(), timeout=30)
        own = new_password()
        fields = {"username": username, "password": password}
        for _ in range(8):
            form = FirstForm.of(page.text)
            answer = {**form.fields, **{k: v for k, v in fields.items() if k in form.fields}}
            if "password-new" in form.fields:
                answer.update({"password-new": own, "password-confirm": own})
            answer.update({name: "" for name in form.buttons if name in ("accept", "login")})
            page = s.post(form.action, data=answer, headers=self._cookies(s), allow_redirects=False, timeout=30)
            while page.status_code == 302:  # to the next required action, or back with the code
                location = page.headers["Location"]
                if "code=" in location:
                    return own
                page = s.get(location, headers=self._cookies(s), allow_redirects=False, timeout=30)
            fields = {}
        raise AssertionError(f"the first sign-in did not end: {page.status_code} {page.text[:300]}")

    def _auth_url(self) -> str:
        return f"{self.kc.url}/realms/{self.name}/protocol/openid-connect/auth?" + urlencode(
            {
                "client_id": "screening-system",
                "response_type": "code",
                "scope": "openid",
                "redirect_uri": REDIRECT,
                "code_challenge": "x" * 43,
                "code_challenge_method": "S256",
            }
        )

    @staticmethod
    def _cookies(s: requests.Session) -> dict[str, str]:
        # Keycloak marks its cookies Secure; requests keeps those off plain http, a browser on
        # 127.0.0.1 sends them. Send them as the browser would.
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in s.cookies)}

    def sign_in(self, username: str, password: str) -> float:
        s = requests.Session()
        t = time.perf_counter()
        page = s.get(self._auth_url(), timeout=30)
        form = re.search(r'action="([^"]+)"', page.text)
        assert form is not None, "no sign-in form"
        action = form.group(1).replace("&amp;", "&")
        r = s.post(
            action,
            data={"username": username, "password": password},
            headers=self._cookies(s),
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


class FirstForm(HTMLParser):
    """The first form of a Keycloak page: where it posts, its fields as a browser would send
    them (hidden and prefilled values kept), the names of its buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.buttons: list[str] = []
        self._forms = 0

    @classmethod
    def of(cls, page: str) -> FirstForm:
        form = cls()
        form.feed(page)
        assert form.action, "no form on the page: " + page[:300]
        return form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._forms += 1
            if self._forms == 1:
                self.action = a.get("action", "")
        elif self._forms == 1 and a.get("name"):
            if tag == "button" or a.get("type") == "submit":
                self.buttons.append(a["name"])
            elif tag == "input" and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
                self.fields[a["name"]] = a.get("value", "")


def new_password() -> str:
    return f"Kq{secrets.token_hex(5)}~Zx{secrets.randbelow(900) + 100}"


class Server:
    """A Keycloak to talk to: the one given (its URL and master admin password), or our own."""

    def __init__(self, url: str, admin_password: str) -> None:
        self.url, self.admin_password = url.rstrip("/"), admin_password
        self._token: dict[str, Any] = {"value": None, "at": 0.0}

    def admin_token(self) -> str:
        if time.monotonic() - self._token["at"] > 30:
            self._token["value"] = requests.post(
                f"{self.url}/realms/master/protocol/openid-connect/token",
                data={
                    "client_id": "admin-cli",
                    "grant_type": "password",
                    "username": "admin",
                    "password": self.admin_password,
                },
                timeout=30,
            ).json()["access_token"]
            self._token["at"] = time.monotonic()
        return str(self._token["value"])


def measure(server: Server, rounds: int, values: dict[str, str], ports: dict[str, int], vault_dir: Path) -> str:
    suffix = secrets.token_hex(3)  # two runs on one Keycloak never meet
    # Each realm's national ID digest key, in Keycloak's file vault (<realm>_<key>, read on
    # every use): without it our listener refuses to save a national ID (it fails closed).
    keys = [vault_dir / f"bench-{w}-{suffix}_{NATIONAL_ID_KEY}" for w in ("with", "without")]
    for key in keys:
        load_or_create_key("", key)
    base = json.loads(fill_placeholders(REALM_FILE.read_text(), realm_env(values, ports)))
    realms: dict[str, Realm] = {}
    try:
        for name, with_ext in ((f"bench-with-{suffix}", True), (f"bench-without-{suffix}", False)):
            requests.post(
                f"{server.url}/admin/realms",
                json=realm_variant(base, name, with_ext),
                headers={"Authorization": f"Bearer {server.admin_token()}"},
                timeout=120,
            ).raise_for_status()
            realms[name] = Realm(server, server.admin_token, name)
        signers, changers = {}, {}
        for name, r in realms.items():
            _, username, password = r.make_user()
            signers[name] = (username, r.first_sign_in(username, password))
            changers[name] = r.make_user()[0]
        warm_up = min(20, rounds)
        for name, r in realms.items():  # JIT, caches
            for _ in range(warm_up):
                r.sign_in(*signers[name])
                r.change_password(changers[name])
        times: dict[tuple[str, str], list[float]] = {(n, w): [] for n in realms for w in ("sign-in", "password change")}
        for i in range(rounds):
            order = list(realms.items()) if i % 2 == 0 else list(reversed(realms.items()))
            for name, r in order:
                times[(name, "sign-in")].append(r.sign_in(*signers[name]))
                times[(name, "password change")].append(r.change_password(changers[name])[0])
            if (i + 1) % 50 == 0:
                print(f"  {i + 1}/{rounds} rounds", flush=True)
        with_realm, without_realm = realms
        lines = ["| operation | with extensions, median ms | without, median ms | ratio |", "|---|---|---|---|"]
        for what in ("sign-in", "password change"):
            w = statistics.median(times[(with_realm, what)]) * 1000
            wo = statistics.median(times[(without_realm, what)]) * 1000
            lines.append(f"| {what} | {w:.1f} | {wo:.1f} | {w / wo:.3f} |")
        return "\n".join(lines) + f"\n\n{rounds} rounds each, interleaved; target ratio <= 1.05"
    finally:
        for key in keys:
            key.unlink(missing_ok=True)
        for name in realms:
            requests.delete(
                f"{server.url}/admin/realms/{name}",
                headers={"Authorization": f"Bearer {server.admin_token()}"},
                timeout=120,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--keycloak-url", help="a running Keycloak of this project (default: start one)")
    parser.add_argument("--admin-password", help="its master admin's password (with --keycloak-url)")
    parser.add_argument("--vault-dir", type=Path, help="its file vault's folder, --vault-dir (with --keycloak-url)")
    args = parser.parse_args(argv)
    values = {k: demo_password() if n == 0 else secrets.token_urlsafe(n) for k, n in WANTED.items()}
    ports = {"keycloak": 0, "management": 0, "smtp": 0, "sync-service": 0, "screening-client": 5080}
    if args.keycloak_url:
        if not (args.admin_password and args.vault_dir):
            parser.error("--keycloak-url needs --admin-password and --vault-dir")
        server = Server(args.keycloak_url, args.admin_password)
        print(measure(server, args.rounds, values, ports, args.vault_dir), flush=True)
        return 0
    ports.update(keycloak=free_port(), management=free_port(), smtp=free_port(), **{"sync-service": free_port()})
    home = Path(tempfile.mkdtemp(prefix="kc-latency-"))
    kc = KeycloakInstance(
        home=home,
        vault_dir=home / "vault",
        http_port=ports["keycloak"],
        management_port=ports["management"],
        admin_password=values["KC_BOOTSTRAP_ADMIN_PASSWORD"],
        env=realm_env(values, ports),
    )
    kc.prepare(build_providers())
    kc.start()
    try:
        kc.wait_ready()
        print(measure(Server(kc.url, kc.admin_password), args.rounds, values, ports, home / "vault"), flush=True)
        return 0
    finally:
        kc.stop()
        shutil.rmtree(kc.home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
