"""A password someone else sets is always temporary (R-PWD-1, issue 8 point 12): whoever sets
it, and whatever `temporary` the request says, the person changes it at their next sign-in."""

from __future__ import annotations

from tests.conftest import good_password
from tests.integration.admin_console.world import OWN_USER, new_user_body

UPDATE_PASSWORD = "UPDATE_PASSWORD"


def _actions(world, user_id: str) -> list[str]:
    return world.admin.get_user(user_id).get("requiredActions", [])


def test_a_managers_permanent_reset_is_still_temporary(world):
    """Covers: R-PWD-1"""
    person = world.target(OWN_USER)
    api = world.manager_api()
    assert api.reset_password(person["id"], good_password(), temporary=False) == 204
    assert UPDATE_PASSWORD in _actions(world, person["id"])


def test_a_password_in_a_managers_create_request_is_temporary(world):
    """Covers: R-PWD-1"""
    body = new_user_body(
        [world.own_users_group["path"]],
        requiredActions=[],
        credentials=[{"type": "password", "value": good_password(), "temporary": False}],
    )
    status, user_id = world.manager_api().create_user(body)
    assert status == 201
    assert UPDATE_PASSWORD in _actions(world, user_id)


def test_a_manager_cannot_clear_the_change_afterwards(world):
    """Dropping UPDATE_PASSWORD in an update of the account brings it back while the password
    set by the manager is in place.

    Covers: R-PWD-1
    """
    person = world.target(OWN_USER)
    api = world.manager_api()
    assert api.reset_password(person["id"], good_password(), temporary=False) == 204
    rep = world.admin.get_user(person["id"])
    body = {k: rep[k] for k in ("username", "email", "firstName", "lastName", "enabled", "attributes")}
    assert api.update_user(person["id"], {**body, "requiredActions": []}) == 204
    assert UPDATE_PASSWORD in _actions(world, person["id"])


def test_the_demo_account_of_make_up_changes_its_password_first(keycloak, admin, run_secrets):
    """Covers: R-PWD-1"""
    from stack.demo import DEMO_REVIEWER, DEMO_USERNAME, ensure_demo_data

    ensure_demo_data(keycloak, run_secrets)
    for name in (DEMO_USERNAME, DEMO_REVIEWER):
        assert UPDATE_PASSWORD in admin.get_user(admin.get_user_id(name)).get("requiredActions", []), name
