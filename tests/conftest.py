"""The test run's real parts: one Keycloak (dev mode, our realm, providers and
theme), one SMTP sink and one stand-in screening system, started once per run
on free loopback ports. Each test makes its own users and institutions.
"""

from __future__ import annotations

import os
import secrets
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from stack.network import free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The providers' own package at DEBUG in the test run: a test checks that no captcha answer is
# logged under it (the answers come from the test-only seam jar, under its own category).
PROVIDERS_LOG = "tw.gov.hpa.screening"


@pytest.fixture(scope="session", autouse=True)
def no_personal_data_in_logs(tmp_path_factory):
    """The run's last check (issue 8 point 7): after every test, and after Keycloak has stopped
    (an autouse session fixture is set up first, so torn down last), every log of the run -
    Keycloak's, the mail sink's, the test process's own (sync service, worker, stand-in client),
    anything under the run's temporary folders and var/log - is searched for the national IDs
    and full phone numbers of the test data. A hit fails the run."""
    import logging

    from tests.support import log_check

    started = log_check.session_start()
    base = tmp_path_factory.getbasetemp()
    handler = log_check.python_log_handler(base / "python-process.log")
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    yield
    root.removeHandler(handler)
    handler.close()
    found = log_check.hits(log_check.log_files([base, ROOT / "var" / "log"], since=started - 1))
    assert not found, "personal data in the run's logs:\n" + "\n".join(found)


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def run_secrets() -> dict[str, str]:
    from stack.credentials_file import WANTED, demo_password

    return {k: (demo_password() if n == 0 else secrets.token_urlsafe(n)) for k, n in WANTED.items()}


@pytest.fixture(scope="session")
def ports() -> dict[str, int]:
    return {
        name: free_port() for name in ("keycloak", "management", "smtp", "mail-web", "sync-service", "screening-client")
    }


@pytest.fixture(scope="session")
def mail(run_dir, ports):
    from stack.mailsink import MailSink

    sink = MailSink(run_dir / "mail", ports["smtp"])
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def keycloak(run_dir, ports, run_secrets, mail):
    """A real Keycloak 26.7.3 with realm-export.json imported, started once per run."""
    from stack.keycloak import KeycloakInstance, build_providers, test_seam_jars
    from stack.realm import realm_env

    kc = KeycloakInstance(
        home=run_dir / "keycloak",
        http_port=ports["keycloak"],
        vault_dir=run_dir / "vault",
        management_port=ports["management"],
        admin_password=run_secrets["KC_BOOTSTRAP_ADMIN_PASSWORD"],
        env=realm_env(run_secrets, ports),
        extra_args=[
            f"--log-level=INFO,{PROVIDERS_LOG}:debug",
            # A meter polled by 200-password corpus tests; the default stays for people.
            "--spi-realm-restapi-extension--password-strength--rate=50",
            "--spi-realm-restapi-extension--password-strength--burst=50",
        ],
    )
    # The providers as `make up` installs them, plus the test-only seam that logs the captcha
    # answers the reset step issues, so a browser test can type the image it cannot see.
    providers = build_providers()
    kc.prepare(providers + test_seam_jars())
    kc.start()
    try:
        kc.wait_ready(timeout=600)
        yield kc
    finally:
        kc.stop()


@pytest.fixture(scope="session")
def national_id_key_file(keycloak) -> Path:
    """The run's national ID digest key: Keycloak's vault secret, shared with the sync service."""
    from stack.keycloak import national_id_key_file as key_file

    return key_file(keycloak.vault_dir)


@pytest.fixture(scope="session")
def admin(keycloak):
    """python-keycloak's admin client on our realm, signed in as the bootstrap admin."""
    from stack.demo import admin_client
    from tests.support.tokens import ensure_test_token_client

    client = admin_client(keycloak)
    # The realm's clients refuse the password grant; tests get tokens through a client of their own.
    ensure_test_token_client(client)
    return client


@pytest.fixture(scope="session")
def screening_client(keycloak, ports, run_secrets):
    """The stand-in screening system, served in this process; returns its base URL."""
    from stack.paths import REALM_NAME
    from sync_service.web.serving import make_server

    os.environ.update(
        {
            "OIDC_ISSUER": f"{keycloak.url}/realms/{REALM_NAME}",
            "SCREENING_CLIENT_SECRET": run_secrets["SCREENING_CLIENT_SECRET"],
            "FLASK_SECRET_KEY": run_secrets["FLASK_SECRET_KEY"],
        }
    )
    from examples.screening_client import create_app

    server = make_server(create_app(), "127.0.0.1", ports["screening-client"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{ports['screening-client']}"
    server.shutdown()


def unique(prefix: str = "t") -> str:
    """An account name of the agency's shape: 6-20 letters and digits."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def good_password() -> str:
    return f"Kq{secrets.token_hex(4)}~Zx{secrets.randbelow(900) + 100}"


@pytest.fixture
def make_user(admin):
    """Create a user of this test's own; returns its name, id, e-mail, password and national ID.

    By default an established account with nothing pending; `required_actions=None`
    leaves the realm's default actions of a new account (terms, profile) in place. Every
    user holds a national ID of its own (one person, one account: R-ACC-1), fresh unless
    given (`nationalId="..."`); `nationalId=None` makes an account without one (made before
    the rule, or by a path that skipped it)."""

    def make(
        *,
        temporary: bool = False,
        required_actions: Sequence[str] | None = (),
        groups: Sequence[str] = (),
        **attributes,
    ) -> dict:
        from tests.support.personal_data import is_held_by, national_id_of, remember

        username = unique("u")
        if "nationalId" not in attributes:
            attributes["nationalId"] = national_id_of(username)
        elif attributes["nationalId"] is None:
            del attributes["nationalId"]
        else:
            is_held_by(username, attributes["nationalId"])
        remember(attributes)
        # The local part is not the account name, so a password holding the account name
        # breaks the username rule alone, not the personal-data (e-mail) rule as well.
        email = f"{username}.staff@clinic.example.tw"
        password = good_password()
        body = {
            "username": username,
            "email": email,
            "enabled": True,
            "emailVerified": True,
            "firstName": "怡君",
            "lastName": "陳",
            "attributes": {
                "department": ["檢驗科"],
                "phone": ["(02)2559-1969#116"],
                **{k: [v] for k, v in attributes.items()},
            },
            "credentials": [{"type": "password", "value": password, "temporary": temporary}],
            "requiredActions": list(required_actions or []),
            "groups": list(groups),
        }
        user_id = admin.create_user(body)
        if required_actions is not None:
            # The realm's default actions are added on creation; a test that names its own wants
            # only those (and the password change a temporary password brings).
            wanted = list(required_actions) + (["UPDATE_PASSWORD"] if temporary else [])
            admin.update_user(user_id, {"requiredActions": wanted})
        return {
            "username": username,
            "id": user_id,
            "email": email,
            "password": password,
            "national_id": attributes.get("nationalId"),
        }

    return make


@pytest.fixture
def institution() -> str:
    """A fresh 10-digit institution code for this test."""
    return f"{secrets.randbelow(10**10):010d}"


class PlaywrightDriver:
    """The run's one Playwright driver. Playwright's sync API refuses a second driver in the same
    thread while one runs, and one `make test` runs the developer stack's browser tests and then
    the production journeys, whose driver must trust the production stack's CA (Node.js reads
    NODE_EXTRA_CA_CERTS once, as the driver starts): asked for another CA, the driver starts
    again, and browsers of the one before end with it."""

    def __init__(self) -> None:
        self.playwright: Any = None  # playwright.sync_api.Playwright, imported when first started
        self.ca_file: str | None = None

    def start(self, ca_file: str | None = None):
        if self.playwright is not None and (ca_file is None or ca_file == self.ca_file):
            return self.playwright
        self.stop()
        from playwright.sync_api import sync_playwright

        before = os.environ.get("NODE_EXTRA_CA_CERTS")
        if ca_file is not None:
            os.environ["NODE_EXTRA_CA_CERTS"] = ca_file
        try:
            self.playwright = sync_playwright().start()
            self.ca_file = ca_file
        finally:
            if before is None:
                os.environ.pop("NODE_EXTRA_CA_CERTS", None)
            else:
                os.environ["NODE_EXTRA_CA_CERTS"] = before
        return self.playwright

    def stop(self) -> None:
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None


@pytest.fixture(scope="session")
def playwright_driver():
    driver = PlaywrightDriver()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver):
    driver = playwright_driver.start()
    b = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    if playwright_driver.playwright is driver:  # not ended with a driver started since
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-TW", viewport={"width": 1100, "height": 900})
    p = context.new_page()
    p.set_default_timeout(20_000)
    yield p
    context.close()


# ---- browser tests and their screenshots -----------------------------------------


def pytest_addoption(parser):
    parser.addoption(
        "--update-screenshots",
        action="store_true",
        help="write the browser tests' screenshots into docs/screenshots/ (tracked files); "
        "also UPDATE_SCREENSHOTS=1. Without it they go to a temporary folder.",
    )
    parser.addoption(
        "--bench-smoke",
        action="store_true",
        help="collect tests/benches/: each bench at its smallest size (`make bench-smoke`, the last step of `make test`; decision 0171)",
    )


BENCH_SMOKE = ROOT / "tests" / "benches"


def pytest_collection_modifyitems(config, items):
    """Every test that drives chromium carries the `browser` marker (`-m "not browser"` skips them all).

    The benches' smoke runs (tests/benches/) are collected only with --bench-smoke, in a pytest
    session of their own with its own Keycloak (`make bench-smoke`, the last step of `make test`):
    reconcile and provision want our realm's /institutions empty (decision 0171)."""
    if not config.getoption("--bench-smoke"):
        benches = [item for item in items if BENCH_SMOKE in item.path.parents]
        if benches:
            config.hook.pytest_deselected(items=benches)
            items[:] = [item for item in items if item not in benches]
    for item in items:
        if {"page", "browser"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    """The words walks' reach (issue 21): how many screens and how many mails they read, in which
    languages. Here, in the one conftest every run loads once (a hook in tests/browser/conftest.py
    was registered again by the production journeys' star import, and printed twice)."""
    from tests.pages.words import WALKED

    if WALKED["screens"] or WALKED["mails"]:
        languages = sorted({name.split("/")[0] for kind in WALKED.values() for name in kind})
        terminalreporter.write_line(
            f"every-page walk: {len(WALKED['screens'])} screens and {len(WALKED['mails'])} mails read "
            f"({', '.join(languages)})"
        )


@pytest.fixture(scope="session")
def screenshots_dir(request, tmp_path_factory) -> Path:
    """Where the browser tests put their pictures: the tracked docs/screenshots/
    only when asked (--update-screenshots or UPDATE_SCREENSHOTS=1), so a normal
    run leaves the tree as it found it."""
    if request.config.getoption("--update-screenshots") or os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shots = ROOT / "docs" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        return shots
    return tmp_path_factory.mktemp("screenshots")
