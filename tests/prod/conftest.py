"""The production-shaped stack (stack/prod.py), started once for this package on free
loopback ports in a temporary folder: PostgreSQL, two Keycloak nodes behind nginx,
gunicorn, two outbox workers, redis. Tests here may stop and kill its parts."""

from __future__ import annotations

import os
import uuid

import pytest
import requests

from sync_service.bootstrap import bootstrap
from sync_service.settings import Settings
from tests.support.sync import budgets

# Intake burst limit (tries per minute per address) of the test stack. Every journey files from
# one address (the browser at 127.0.0.1, through nginx), and C, B and D filings count too: at 5,
# a minute of journeys (a C refused, a C filed, a D refused, then a rejected A) met the stack's
# 429 and waited for a page that never came. 30 is more than any minute of journeys files and few
# enough for the shared-limit test (test_shared_rate_limit.py) to reach within its minute.
INTAKE_LIMIT = 30


@pytest.fixture(scope="session")
def prod_stack(tmp_path_factory):
    from stack.keycloak import test_seam_jars
    from stack.prod import temporary_stack

    options = dict(
        durable=False,
        heap="-Xms128m -Xmx768m",
        log=lambda *_: None,
        # The reset step's captcha answers in the nodes' logs, for the journeys (tests/prod/journeys).
        extra_providers=test_seam_jars(),
        sync_overrides={
            # As on the developer stack's test run: a test runs a periodic job when it means to.
            "SYNC_WORKER_RUNS_JOBS": "0",
            # A killed worker's entries come back after 10 s, not a minute.
            "SYNC_WORKER_LEASE_SECONDS": "10",
            "SYNC_WORKER_POLL_SECONDS": "0.2",
            "SYNC_WORKER_MAX_BACKOFF": "2",
            "SYNC_SUBMIT_BURST_PER_MINUTE": str(INTAKE_LIMIT),
            # Accepted filings per address and hour: the journeys' whole run files from one address.
            "SYNC_SUBMIT_RATE_PER_HOUR": "1000",
            # As on the developer stack's test run: the pages ask the realm again after 3 s (30 s
            # in production, decision 0130), so the session journeys see an ended sign-in refused.
            "SYNC_PAGE_SESSION_CHECK_SECONDS": "3",
        },
    )
    # This process's own calls to the stack (use cases run here, python-keycloak) trust its CA,
    # as the stack's processes do (REQUESTS_CA_BUNDLE in their environment).
    trusted = os.environ.get("REQUESTS_CA_BUNDLE")
    try:
        with temporary_stack(tmp_path_factory.mktemp("prod"), **options) as stack:
            os.environ["REQUESTS_CA_BUNDLE"] = str(stack.ca_file)
            yield stack
    finally:
        if trusted is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = trusted


@pytest.fixture(scope="session")
def prod_admin(prod_stack):
    from stack.demo import admin_client

    return admin_client(prod_stack)


def prod_settings(stack) -> Settings:
    """The settings the stack's own web processes and workers read, for use cases run in this process
    (budgets a thousand times policies/: the tests share one client address)."""
    return Settings.from_env(stack.sync_env(), auto_migrate=False, budgets=budgets())


@pytest.fixture
def prod_wiring(prod_stack):
    """The sync service's use cases in this process, on the stack's database and keys."""
    wiring = bootstrap(prod_settings(prod_stack))
    yield wiring
    wiring.engine.dispose()


@pytest.fixture(scope="session")
def sign_in(prod_stack, prod_admin):
    """Password sign-in through nginx with a test-only public client (direct grants on for it
    alone). Returns an object with .token(user, password) and .refresh(refresh_token)."""
    client_id = f"test-direct-{uuid.uuid4().hex[:8]}"
    prod_admin.create_client(
        {"clientId": client_id, "publicClient": True, "directAccessGrantsEnabled": True, "standardFlowEnabled": False}
    )
    token_url = f"{prod_stack.url}/realms/cancer-screening/protocol/openid-connect/token"
    ca = str(prod_stack.ca_file)

    class SignIn:
        def token(self, username: str, password: str, session: requests.Session | None = None):
            return (session or requests).post(
                token_url,
                data={"grant_type": "password", "client_id": client_id, "username": username, "password": password},
                verify=ca,
                timeout=30,
            )

        def refresh(self, refresh_token: str):
            return requests.post(
                token_url,
                data={"grant_type": "refresh_token", "client_id": client_id, "refresh_token": refresh_token},
                verify=ca,
                timeout=30,
            )

    return SignIn()


@pytest.fixture
def make_people(prod_admin):
    """n established accounts (nothing pending) with known passwords, made through nginx."""
    from tests.conftest import good_password, unique
    from tests.support.personal_data import national_id_of

    def make(n: int) -> list[tuple[str, str]]:
        people = [(unique("p"), good_password()) for _ in range(n)]
        prod_admin.partial_import_realm(
            "cancer-screening",
            {
                "ifResourceExists": "FAIL",
                "users": [
                    {
                        "username": u,
                        "email": f"{u}.staff@clinic.example.tw",
                        "enabled": True,
                        "emailVerified": True,
                        "firstName": "怡君",
                        "lastName": "陳",
                        "requiredActions": [],
                        "attributes": {
                            "department": ["檢驗科"],
                            "phone": ["(02)2559-1969#116"],
                            "nationalId": [national_id_of(u)],
                        },
                        "credentials": [{"type": "password", "value": p, "temporary": False}],
                    }
                    for u, p in people
                ],
            },
        )
        # A password someone else sets is always temporary (issue 8, decision 0031); the server's
        # own administrator may still clear the change for a test's established accounts.
        for username, _ in people:
            prod_admin.update_user(prod_admin.get_user_id(username), {"requiredActions": []})
        return people

    return make
