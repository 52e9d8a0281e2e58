"""The sync service against the run's real Keycloak and mail sink."""
from __future__ import annotations

import base64
import json
import uuid

import pytest
import requests

from stack.paths import REALM_NAME
from sync_service.bootstrap import bootstrap
from tests.support.sync import settings_for_tests


@pytest.fixture(scope="session")
def postgres_cluster():
    from tests.support.postgres import PostgresCluster
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


def sync_settings(keycloak, run_secrets, mail, tmp_path, database_url=None, **overrides):
    from stack.keycloak import national_id_key_file
    values = dict(keycloak_url=keycloak.url, realm=REALM_NAME, client_secret=run_secrets["SYNC_SERVICE_CLIENT_SECRET"],
                  national_id_key_file=national_id_key_file(keycloak.vault_dir),
                  smtp_host="127.0.0.1", smtp_port=mail.port, keycloak_timeout_seconds=5)
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
    admin.create_client({
        "clientId": client_id, "publicClient": True, "directAccessGrantsEnabled": True,
        "standardFlowEnabled": False, "protocolMappers": [{
            "name": "groups", "protocol": "openid-connect", "protocolMapper": "oidc-group-membership-mapper",
            "config": {"full.path": "true", "claim.name": "groups", "access.token.claim": "true",
                       "id.token.claim": "true", "userinfo.token.claim": "true"}}],
    })
    token_url = f"{keycloak.url}/realms/{REALM_NAME}/protocol/openid-connect/token"

    def login(username: str, password: str) -> dict:
        # First sign-in steps (new password, profile, terms) are for browsers: cleared for this check.
        user_id = admin.get_user_id(username)
        admin.update_user(user_id, {"requiredActions": []})
        r = requests.post(token_url, data={"grant_type": "password", "client_id": client_id,
                                           "username": username, "password": password, "scope": "openid"},
                          timeout=20)
        assert r.status_code == 200, r.text
        return claims_of(r.json()["access_token"])

    yield login
    admin.delete_client(admin.get_client_id(client_id))


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
