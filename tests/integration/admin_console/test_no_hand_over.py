"""No hand-over (issue 18 item 7, R-CONF-2): a manager renames or re-addresses only a person whose
only grant is theirs. Shown with the manager's own token on the server, for each kind of person a
manager may meet in their users group."""

from __future__ import annotations

import pytest

from tests.integration.admin_console.world import OWN_CAT


def _people(world) -> dict[str, dict]:
    """Everyone here is in the manager's own users group; some also hold a grant elsewhere."""
    own = world.own_users_group["path"]
    return {
        "only here": world.make_user(required_actions=[], groups=[own]),
        "also a user of another manager's pair": world.make_user(
            required_actions=[], groups=[own, world.group(world.b, OWN_CAT, "user")["path"]]
        ),
        "also a manager of another pair": world.make_user(
            required_actions=[], groups=[own, world.group(world.b, OWN_CAT, "manager")["path"]]
        ),
    }


@pytest.mark.parametrize("field", ["firstName", "email"])
def test_a_manager_changes_names_and_e_mail_only_of_a_person_whose_only_grant_is_theirs(world, admin, field):
    """Covers: R-CONF-2, R-USR-4"""
    api = world.manager_api()
    answers = {}
    for kind, person in _people(world).items():
        shown = admin.get_user(person["id"])
        new_value = "雅雯" if field == "firstName" else f"new.{person['username']}@clinic.example.tw"
        body = {k: shown.get(k) for k in ("username", "email", "firstName", "lastName", "enabled")}
        body["attributes"] = {k: v for k, v in (shown.get("attributes") or {}).items() if k != "nationalIdDigests"}
        body[field] = new_value
        answers[kind] = api.update_user(person["id"], body)
        kept = admin.get_user(person["id"]).get(field)
        assert (kept == new_value) == (answers[kind] == 204), (kind, answers[kind], kept)
    print(f"\n{field}: " + "; ".join(f"{k}: {v}" for k, v in answers.items()))
    assert answers["only here"] == 204
    assert answers["also a user of another manager's pair"] in (400, 403)
    assert answers["also a manager of another pair"] in (400, 403)
