"""The people's journeys on the production shape: the developer stack's browser journeys, the
same test functions, run against the production-shaped stack of tests/prod (started once per run):
through nginx and TLS to the two Keycloak nodes and to the sync service's gunicorn processes, on
PostgreSQL, with the stack's own outbox workers.

How it works: `test_journeys.py` imports the journey functions; pytest resolves a test's fixtures
from where it is collected, so the fixtures below replace the developer stack's (`keycloak`,
`admin`, `mail`, `service`, `screening_client`, ...) with the production shape's, under the same
names. The page objects and helpers of tests/browser are reused as they are (imported here).
To run another journey on both shapes: import it in test_journeys.py (TEAM.md, section 3)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from stack.keycloak import CaptchaAnswers

# The browser journeys' own fixtures (page objects, sign-in, reviewer, ...), as tests/browser has them.
from tests.browser.conftest import *  # noqa: F403
from tests.browser.sync_pages.conftest import *  # noqa: F403
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

from ..conftest import prod_settings


@pytest.fixture(scope="session")
def browser(prod_stack, playwright_driver):
    """Chromium that trusts the stack's certificate, by its key alone (the local CA is not the
    system's): every page goes over the stack's real TLS, and any other certificate still fails.
    Playwright's own requests (`page.request`, made by its Node.js driver) trust the stack's CA:
    the run's one driver starts again with it (tests/conftest.py, PlaywrightDriver)."""
    cert = x509.load_pem_x509_certificate(prod_stack.tls.cert.read_bytes())
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pin = base64.b64encode(hashlib.sha256(spki).digest()).decode()
    driver = playwright_driver.start(ca_file=str(prod_stack.ca_file))
    b = driver.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={pin}"]
    )
    yield b
    if playwright_driver.playwright is driver:
        b.close()


@pytest.fixture(scope="session")
def keycloak(prod_stack):
    """Keycloak as people reach it (nginx in front of both nodes): `.url` as the dev stack's."""
    return prod_stack


@pytest.fixture(scope="session")
def admin(prod_admin):
    from tests.support.tokens import ensure_test_token_client

    ensure_test_token_client(prod_admin)
    return prod_admin


@pytest.fixture(scope="session")
def run_secrets(prod_stack) -> dict[str, str]:
    return prod_stack.secrets


@pytest.fixture(scope="session")
def mail(prod_stack):
    """The stack's own mail sink (its process), read from its folder."""
    from stack.mailsink import MailSink

    return MailSink(prod_stack.home / "mail", prod_stack.ports["smtp"])


@pytest.fixture(scope="session")
def national_id_key_file(prod_stack):
    from stack.keycloak import national_id_key_file as key_file

    return key_file(prod_stack.vault_dir)


@pytest.fixture(scope="session")
def screening_client(prod_stack) -> str:
    return prod_stack.screening_client_url


@pytest.fixture(scope="session")  # type: ignore[no-redef]  # the prod stack's, by name
def captcha_answers(prod_stack) -> CaptchaAnswers:
    from stack.prod import NODES

    return CaptchaAnswers(*(prod_stack.sup.logs / f"{node}.log" for node in NODES))


@pytest.fixture(scope="session")  # type: ignore[no-redef]  # the prod stack's, by name
def service(prod_stack):
    """The use cases in this process, on the stack's database and keys (what the journeys
    check and prepare there); the pages and the outbox are the stack's own processes."""
    from sync_service.bootstrap import bootstrap

    wiring = bootstrap(prod_settings(prod_stack))
    wiring.base_url = prod_stack.sync_url  # type: ignore[attr-defined]  # the pages through nginx
    yield wiring
    wiring.engine.dispose()


@pytest.fixture
def wiring(service):
    """The use cases the integration journeys call by this name (tests/integration/sync), here the
    stack's: its database, keys and Keycloak, in this process."""
    return service
