"""The directory's group and permission caches are one per Keycloak and realm: the test run
speaks to the developer stack's Keycloak and then to the production shape's in one process, and a
group id of the one was handed to the other (404 "Could not find group by id" on every new
institution of the production journeys after the developer tests had cached /institutions)."""

from __future__ import annotations

from sync_service.adapters.keycloak_directory import KeycloakDirectory


def directory(url: str, realm: str = "cancer-screening") -> KeycloakDirectory:
    return KeycloakDirectory(url, realm, "sync-service", "unused")  # connects on first use only


def test_one_cache_per_keycloak_and_realm():
    dev, dev_again = directory("http://127.0.0.1:8080"), directory("http://127.0.0.1:8080/")
    prod, other_realm = directory("https://127.0.0.1:8443"), directory("http://127.0.0.1:8080", "other")
    dev._groups.remember("/institutions", "id-on-dev")
    assert dev_again._groups.cached("/institutions") == "id-on-dev"  # shared by the process's threads
    assert dev_again._permissions is dev._permissions
    assert prod._groups.cached("/institutions") is None
    assert other_realm._groups.cached("/institutions") is None
    assert prod._permissions is not dev._permissions
