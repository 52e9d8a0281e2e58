"""The sync service's pages against the run's real Keycloak (sign-in as the
realm's client reviewer-pages), real mail sink and a real worker, served in
this process on the port the realm's redirect URIs name."""

from __future__ import annotations

import threading

import pytest

from stack.paths import REALM_NAME
from sync_service.bootstrap import bootstrap
from sync_service.web import create_app
from tests.pages.keycloak import LoginPage
from tests.pages.sync_pages import (
    ApplicationPage,
    ApplyPage,
    ReviewApplicationPage,
    ReviewQueuePage,
    StatusPage,
)
from tests.support.sync import settings_for_tests

PAGE_SESSION_CHECK_SECONDS = 3


@pytest.fixture(scope="session")
def service(keycloak, run_secrets, mail, ports, tmp_path_factory, national_id_key_file):
    """The sync service (pages and API) and its worker, for the whole run."""
    from sync_service.web.serving import make_server  # as `make up` serves: the path logged, never the query

    folder = tmp_path_factory.mktemp("sync-pages")
    settings = settings_for_tests(
        f"sqlite:///{folder / 'sync.db'}",
        folder,
        keycloak_url=keycloak.url,
        realm=REALM_NAME,
        client_secret=run_secrets["SYNC_SERVICE_CLIENT_SECRET"],
        pages_client_secret=run_secrets["REVIEWER_CLIENT_SECRET"],
        secret_key=run_secrets["FLASK_SECRET_KEY"],
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        keycloak_timeout_seconds=10,
        screening_system_url=f"http://127.0.0.1:{ports['screening-client']}/",
        public_url=f"http://127.0.0.1:{ports['sync-service']}",
        national_id_key_file=national_id_key_file,  # Keycloak's vault secret: the same digests
        # The pages ask the realm again after 3 s (30 s in production, decision 0130), so the
        # session tests see an ended sign-in refused within seconds.
        page_session_check_seconds=PAGE_SESSION_CHECK_SECONDS,
    )
    wiring = bootstrap(settings)
    app = create_app(wiring=wiring)
    server = make_server(app, "127.0.0.1", ports["sync-service"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    worker = wiring.worker(threads=2, base_backoff_seconds=0.2, max_backoff_seconds=2)
    stop = threading.Event()
    runner = threading.Thread(target=worker.run_forever, args=(stop,), kwargs={"poll_seconds": 0.2}, daemon=True)
    runner.start()
    wiring.base_url = f"http://127.0.0.1:{ports['sync-service']}"  # type: ignore[attr-defined]  # the test server's
    yield wiring
    stop.set()
    runner.join(timeout=30)
    worker.close()
    server.shutdown()
    wiring.engine.dispose()


@pytest.fixture
def base_url(service) -> str:
    return service.base_url


@pytest.fixture
def reviewer(make_user, admin):
    person = make_user()
    admin.assign_realm_roles(person["id"], [admin.get_realm_role("hpa-reviewer")])
    return person


@pytest.fixture
def vendor(make_user, admin):
    """One of the vendor's staff (資拓宏宇, realm role maintenance-vendor; R-VEN-1)."""
    person = make_user()
    admin.assign_realm_roles(person["id"], [admin.get_realm_role("maintenance-vendor")])
    return person


@pytest.fixture
def sign_in(page, base_url):
    """Sign in to the pages through the realm's login page."""

    def sign_in_as(person: dict, then: str = "/") -> None:
        page.context.clear_cookies()  # another person at this browser: no single sign-on carried over
        page.goto(f"{base_url}/sign-in?next={then}")
        LoginPage(page).sign_in(person["username"], person["password"])
        page.wait_for_url(f"{base_url}{then}*")

    return sign_in_as


@pytest.fixture
def apply_page(page, base_url) -> ApplyPage:
    return ApplyPage(page, base_url)


@pytest.fixture
def application_page(page, base_url) -> ApplicationPage:
    return ApplicationPage(page, base_url)


@pytest.fixture
def status_page(page, base_url) -> StatusPage:
    return StatusPage(page, base_url)


@pytest.fixture
def queue_page(page, base_url) -> ReviewQueuePage:
    return ReviewQueuePage(page, base_url)


@pytest.fixture
def review_page(page, base_url) -> ReviewApplicationPage:
    return ReviewApplicationPage(page, base_url)


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Every Content-Security-Policy complaint the browser logs while the test runs."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


@pytest.fixture
def shoot(screenshots_dir):
    """A page's picture, into docs/screenshots/ only with --update-screenshots."""

    def take(service_page, name: str) -> None:
        service_page.screenshot(screenshots_dir / f"pages-{name}.png")

    return take
