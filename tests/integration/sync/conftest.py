"""The sync service against the run's real Keycloak and mail sink."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
import requests

from stack.paths import REALM_NAME
from sync_service.bootstrap import bootstrap
from sync_service.web import create_app
from sync_service.web.serving import make_server
from tests.support.sync import settings_for_tests


@pytest.fixture(scope="session")
def postgres_cluster():
    from stack.postgres import Postgres

    cluster = Postgres.throwaway().start()
    yield cluster
    cluster.discard()


def sync_settings(keycloak, run_secrets, mail, tmp_path, database_url=None, **overrides):
    from stack.keycloak import national_id_key_file

    values = dict(
        keycloak_url=keycloak.url,
        realm=REALM_NAME,
        client_secret=run_secrets["SYNC_SERVICE_CLIENT_SECRET"],
        national_id_key_file=national_id_key_file(keycloak.vault_dir),
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        keycloak_timeout_seconds=5,
    )
    values.update(overrides)
    return settings_for_tests(database_url or f"sqlite:///{tmp_path / 'sync.db'}", tmp_path, **values)


@pytest.fixture
def settings(keycloak, run_secrets, mail, tmp_path):
    return sync_settings(keycloak, run_secrets, mail, tmp_path)


@pytest.fixture
def wiring(settings):
    w = bootstrap(settings)
    yield w
    w.engine.dispose()


@pytest.fixture
def worker(wiring):
    w = wiring.worker(threads=2, base_backoff_seconds=0.2, max_backoff_seconds=2)
    yield w
    w.close()


@pytest.fixture(scope="session")
def direct_login(keycloak, admin):
    """Sign in without a browser: a test-only public client with direct access
    grants and the same group claim as the screening system. Returns
    login(username, password) -> the access token's claims."""
    client_id = f"test-direct-{uuid.uuid4().hex[:8]}"
    admin.create_client(
        {
            "clientId": client_id,
            "publicClient": True,
            "directAccessGrantsEnabled": True,
            "standardFlowEnabled": False,
            "protocolMappers": [
                {
                    "name": "groups",
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-group-membership-mapper",
                    "config": {
                        "full.path": "true",
                        "claim.name": "groups",
                        "access.token.claim": "true",
                        "id.token.claim": "true",
                        "userinfo.token.claim": "true",
                    },
                }
            ],
        }
    )
    token_url = f"{keycloak.url}/realms/{REALM_NAME}/protocol/openid-connect/token"

    def login(username: str, password: str) -> dict:
        # First sign-in steps (new password, profile, terms) are for browsers: cleared for this check.
        user_id = admin.get_user_id(username)
        admin.update_user(user_id, {"requiredActions": []})
        r = requests.post(
            token_url,
            data={
                "grant_type": "password",
                "client_id": client_id,
                "username": username,
                "password": password,
                "scope": "openid",
            },
            timeout=20,
        )
        assert r.status_code == 200, r.text
        return claims_of(r.json()["access_token"])

    yield login
    admin.delete_client(admin.get_client_id(client_id))


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class ServiceTokens:
    """User tokens from two test-only clients of the realm: one whose tokens
    are issued for the sync service (`aud` holds `sync-service`, as a client
    of the service would be set up), one whose tokens are for someone else.
    Both get the tokens through `password_token`, the tests' one helper for it."""

    def __init__(self, keycloak, for_service: str, for_other: str) -> None:
        self.keycloak, self.for_service_client, self.for_other_client = keycloak, for_service, for_other

    def for_service(self, user: dict) -> str:
        from tests.support.tokens import password_token

        return password_token(self.keycloak.url, user["username"], user["password"], self.for_service_client)

    def for_other(self, user: dict) -> str:
        from tests.support.tokens import password_token

        return password_token(self.keycloak.url, user["username"], user["password"], self.for_other_client)


@pytest.fixture(scope="session")
def service_tokens(keycloak, admin):
    suffix = uuid.uuid4().hex[:8]
    names = (f"test-for-sync-{suffix}", f"test-other-{suffix}")
    for name, audience in zip(names, (True, False)):
        mappers = (
            [
                {
                    "name": "audience",
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-audience-mapper",
                    "config": {
                        "included.client.audience": "sync-service",
                        "access.token.claim": "true",
                        "id.token.claim": "false",
                    },
                }
            ]
            if audience
            else []
        )
        admin.create_client(
            {
                "clientId": name,
                "publicClient": True,
                "directAccessGrantsEnabled": True,
                "standardFlowEnabled": False,
                "protocolMappers": mappers,
            }
        )
    yield ServiceTokens(keycloak, *names)
    for name in names:
        admin.delete_client(admin.get_client_id(name))


@pytest.fixture
def make_reviewer(make_user, admin):
    """A person with the realm role hpa-reviewer (and a national ID of their own)."""
    role = admin.get_realm_role("hpa-reviewer")

    def make(**attributes) -> dict:
        user = make_user(**attributes)
        admin.assign_realm_roles(user["id"], [role])
        return user

    return make


class SyncApi:
    """The sync service over real HTTP, with a person's token when one is given."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.wiring: Any = None  # the in-process wiring, where a test needs its captcha seam

    def call(self, method: str, path: str, token: str | None = None, **kw) -> requests.Response:
        headers = dict(kw.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.base_url + path, headers=headers, timeout=30, **kw)

    def get(self, path: str, token: str | None = None, **kw) -> requests.Response:
        return self.call("GET", path, token, **kw)

    def post(self, path: str, token: str | None = None, **kw) -> requests.Response:
        return self.call("POST", path, token, **kw)


@pytest.fixture
def sync_app(wiring):
    return create_app(wiring=wiring)


@pytest.fixture
def sync_api(sync_app):
    """The real application (real Keycloak tokens, real database) served the way
    `python -m sync_service serve` serves it."""
    import threading

    server = make_server(sync_app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api = SyncApi(f"http://127.0.0.1:{server.server_port}")
    api.wiring = sync_app.extensions["sync"]  # the captcha's test seam, for anonymous filings
    yield api
    server.shutdown()
    thread.join()
