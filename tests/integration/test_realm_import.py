"""The realm as imported by a real Keycloak 26.7.3 matches what the agency requires."""

import requests

import policies
from stack import realm
from stack.paths import REALM_NAME


def test_realm_imports_with_the_agency_settings(admin):
    """Covers: R-PWD-2, R-PWD-3, R-LCK-1, R-LCK-4"""
    r = admin.get_realm(REALM_NAME)
    p = policies.load()
    assert r["passwordPolicy"] == realm.password_policy(p)
    assert r["bruteForceProtected"] is True and r["permanentLockout"] is True
    assert r["failureFactor"] == 3
    assert r["attributes"]["actionTokenGeneratedByUserLifespan.reset-credentials"] == "3600"
    assert r["defaultLocale"] == "zh-Hant" and r["supportedLocales"] == ["zh-Hant", "en"]
    assert r["loginTheme"] == "screening"


def test_first_sign_in_actions_are_enabled(admin):
    """Covers: R-PWD-1, R-CONF-1"""
    actions = {a["alias"]: a for a in admin.get_required_actions()}
    for alias in ("UPDATE_PASSWORD", "VERIFY_PROFILE", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"):
        assert actions[alias]["enabled"], alias
    assert actions["TERMS_AND_CONDITIONS"]["defaultAction"]
    assert actions["UPDATE_PROFILE"]["defaultAction"]


def test_events_and_admin_events_are_stored_without_personal_data(admin, make_user):
    """Who, what, when and on which account is kept; the representation (the whole user, national
    ID and phone included, kept a year) is not (issue 8 point 7, docs/decisions/0030).

    Covers: R-AUD-1, R-PD-1
    """
    config = admin.connection.raw_get(f"admin/realms/{REALM_NAME}/events/config").json()
    assert config["eventsEnabled"] and config["adminEventsEnabled"]
    assert not config["adminEventsDetailsEnabled"]
    user = make_user()
    events = admin.connection.raw_get(
        f"admin/realms/{REALM_NAME}/admin-events",
        resourceTypes="USER",
        operationTypes="CREATE",
        resourcePath=f"users/{user['id']}",
    ).json()
    assert events, "the creation is recorded"
    event = events[0]
    assert event["authDetails"]["userId"] and event["time"] and event["resourcePath"] == f"users/{user['id']}"
    assert "representation" not in event or not event["representation"]
    assert user["national_id"] not in str(events)


def test_clients_of_the_realm(admin):
    """Covers: R-CAT-2"""
    clients = {c["clientId"]: c for c in admin.get_clients()}
    screening = clients["screening-system"]
    assert not screening["publicClient"] and screening["standardFlowEnabled"]
    assert not screening["directAccessGrantsEnabled"] and not screening["implicitFlowEnabled"]
    assert screening["attributes"]["pkce.code.challenge.method"] == "S256"
    sync = clients["sync-service"]
    assert sync["serviceAccountsEnabled"] and not sync["standardFlowEnabled"]
    assert "reviewer-pages" in clients


def test_sync_service_account_holds_only_realm_management_roles(admin):
    """The service account manages users, groups and the managers' permissions; it holds no
    client management, impersonation or realm-admin. (Keycloak 26.7.3 guards the permissions of
    the admin-permissions client by manage-realm: docs/decisions/0005.)"""
    sync = admin.get_client_id("sync-service")
    sa = admin.get_client_service_account_user(sync)
    rm = admin.get_client_id("realm-management")
    roles = {r["name"] for r in admin.get_client_roles_of_user(sa["id"], rm)}
    assert {"manage-users", "manage-realm"} <= roles
    assert not roles & {"realm-admin", "manage-clients", "impersonation"}


def test_national_id_is_visible_to_administrators_only(admin):
    """Covers: R-PD-1"""
    profile = admin.connection.raw_get(f"admin/realms/{REALM_NAME}/users/profile").json()
    attrs = {a["name"]: a for a in profile["attributes"]}
    assert attrs["nationalId"]["permissions"] == {"view": ["admin"], "edit": ["admin"]}
    for name in ("birthDate", "phone", "department", "title"):
        assert name in attrs


def test_realm_roles_for_categories_functions_and_reviewers(admin):
    """Covers: R-CAT-2"""
    names = {r["name"] for r in admin.get_realm_roles()}
    assert {"hpa-reviewer", "institution-manager", "category:GAS-LAB", "function:CER-COL:correction-query"} <= names


def test_health_is_ready(keycloak):
    assert requests.get(keycloak.health_url, timeout=5).json()["status"] == "UP"
