"""Managers moved in from the old system manage only their own users: the manager matrix
(tests/integration/admin_console/test_manager_matrix.py) run with an imported manager, on the
groups and permissions the import made (docs/decisions/0105)."""

from __future__ import annotations

import random

from stack import legacy_export as export
from sync_service.adapters.keycloak_groups import grant_group_path
from tests.conftest import unique
from tests.integration.admin_console.test_manager_matrix import walk_the_matrix
from tests.integration.admin_console.world import OTHER_CAT, OWN_CAT, ManagerWorld
from tests.integration.sync.test_legacy_import import OLD_PASSWORD, remembered, run_cli


def test_an_imported_manager_manages_only_their_own_imported_users(
    settings, admin, make_user, keycloak, mail, tmp_path
):
    """The imported manager of (A, CRC-COL) lists exactly the imported users of (A, CRC-COL), and
    every cell of the manager matrix is as for a manager made by an approval.

    Covers: R-USR-1, R-USR-2, R-USR-4
    """
    rng = random.Random()
    a, b = (f"{rng.randrange(10**10):010d}" for _ in range(2))
    tag = unique("i")[-6:]
    rows = remembered(
        [
            export.row(f"boss{tag}", a, rng=rng, level="manager", password_hash=export.pbkdf2_hash(OLD_PASSWORD)),
            export.row(f"own1{tag}", a, rng=rng),
            export.row(f"own2{tag}", a, rng=rng),
            export.row(f"cat1{tag}", a, rng=rng, category=OTHER_CAT),
            export.row(f"ins1{tag}", b, rng=rng),
            export.row(f"oth1{tag}", a, rng=rng, category=OTHER_CAT, level="manager"),
            export.row(f"mgrb{tag}", b, rng=rng, level="manager"),  # whose DENY keeps a shared user from both
        ]
    )
    run_cli(settings, "import-legacy", str(export.write(tmp_path / "export.csv", rows)))

    world = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url, a=a, b=b)
    for code, cat, level in (
        (a, OWN_CAT, "manager"),
        (a, OWN_CAT, "user"),
        (a, OTHER_CAT, "manager"),
        (a, OTHER_CAT, "user"),
        (b, OWN_CAT, "manager"),
        (b, OWN_CAT, "user"),
    ):
        world.groups[(code, cat, level)] = admin.get_group_by_path(grant_group_path(code, cat, level))
    boss_id = admin.get_user_id(f"boss{tag}")
    admin.update_user(boss_id, {"requiredActions": []})  # first-sign-in steps are for browsers
    world.manager = {"id": boss_id, "username": f"boss{tag}", "password": OLD_PASSWORD}

    api = world.manager_api()
    status, users = api.list_users()
    own = {admin.get_user_id(f"own1{tag}"), admin.get_user_id(f"own2{tag}")}
    assert status == 200 and {u["id"] for u in users} == own

    table, broken = walk_the_matrix(world, mail, both_managers=False)
    print("\n\nImported manager of (institution A, CRC-COL) as manager A:\n" + table + "\n")
    assert not broken, "\n".join(broken)
