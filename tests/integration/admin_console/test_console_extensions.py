"""Why the managers' page is ours and not a tab of the Keycloak console (decision 0127 §3).

Keycloak 26.7.3's admin UI extensions (`UiTabProvider`, `UiPageProvider`) are listed to the
console by `GET /admin/serverinfo` (its `componentTypes`), shown only when the experimental
feature `declarative-ui` is on, and are nothing but a form of the provider's config properties
that the console loads with `GET /components?type=…UiTabProvider` (view-realm) and saves with
`POST`/`PUT /components` (manage-realm). A tab on the user page sits inside the user page, which
first reads the person (`GET /users/{id}`).

This test keeps the Keycloak limits that decision rests on, with a manager's own token: the
tab's form can be neither loaded nor saved by a manager (403, where a realm administrator gets
200), and a person shared with another pair cannot be read at all (403, keycloak#52188), so no
tab, and no read-only view, can appear for them in the console. If a Keycloak upgrade turns
one of these into 200, revisit decision 0127 §3 (the page might then move into the console).

Covers: R-USR-4
"""

from __future__ import annotations

from tests.integration.admin_console.world import SHARED_WITH_ANOTHER_MANAGER

TAB_PROVIDER = "org.keycloak.services.ui.extend.UiTabProvider"
PAGE_PROVIDER = "org.keycloak.services.ui.extend.UiPageProvider"


def test_a_manager_can_neither_load_nor_save_a_console_tab_nor_open_a_shared_person(world, admin):
    manager = world.manager_api()
    shared = world.target(SHARED_WITH_ANOTHER_MANAGER)

    # What the console learns at start: the component types, with the extensions among them.
    info = manager.http.get(f"{world.base_url}/admin/serverinfo", timeout=60)
    assert info.status_code == 200
    types = info.json()["componentTypes"]
    declarative_ui = {f["name"]: f["enabled"] for f in info.json()["features"]}["DECLARATIVE_UI"]
    # The realm's Keycloak runs without the experimental feature: no extension is offered.
    assert declarative_ui is False
    assert TAB_PROVIDER not in types and PAGE_PROVIDER not in types

    # The tab's form, as the console's PageHandler loads and saves it.
    loaded = manager._do("GET", "/components", params={"type": TAB_PROVIDER})
    saved = manager._do(
        "POST",
        "/components",
        json={"name": "add-existing-account", "providerId": "add-existing-account", "providerType": TAB_PROVIDER},
    )
    assert (loaded.status_code, saved.status_code) == (403, 403)
    # The same reading as a realm administrator answers (python-keycloak raises on anything but 2xx).
    assert admin.get_components(query={"type": TAB_PROVIDER}) == []

    # The user page (where a tab on /:realm/users/:id/:tab would sit) reads the person first.
    listed = {u["id"] for u in manager.list_users()[1]}
    assert shared["id"] in listed
    assert manager.read_user(shared["id"])[0] == 403
    brute_force = manager._do("GET", f"/attack-detection/brute-force/users/{shared['id']}")
    assert brute_force.status_code == 403
