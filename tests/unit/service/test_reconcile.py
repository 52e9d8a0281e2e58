"""The reconciler makes the managers groups match the decisions on record, and no more."""

from __future__ import annotations

from sync_service.domain import Grant, Level
from sync_service.services import applications as use_cases
from sync_service.services.reconcile import reconcile
from tests.support.sync import REVIEWER, new_account_name, ready_application

CODE, CAT = "0401180014", "CRC-COL"


def _provisioned_manager(wiring, worker) -> str:
    account = new_account_name()
    use_cases.approve(wiring.uow(), ready_application(wiring, "A", CODE, account), caller=REVIEWER)
    worker.run_until_idle()
    return account


def test_nothing_to_repair_when_keycloak_matches(wiring, worker, fake_keycloak):
    """Covers: R-MGR-1"""
    _provisioned_manager(wiring, worker)
    assert reconcile(wiring.uow, fake_keycloak.directory()) == []


def test_a_manager_added_by_hand_is_removed_and_the_approved_one_put_back(wiring, worker, fake_keycloak):
    """Covers: R-MGR-1, R-USR-4"""
    manager = _provisioned_manager(wiring, worker)
    directory = fake_keycloak.directory()
    intruder = directory.create_accounts([_new_account("intruder1")])["intruder1"]
    directory.join(intruder, Grant(CODE, CAT, Level.MANAGER))
    directory.leave(fake_keycloak.id_of(manager), Grant(CODE, CAT, Level.MANAGER))
    # A user-level grant (the institution manager's business) stays as it is.
    directory.join(intruder, Grant(CODE, CAT, Level.USER))

    repairs = reconcile(wiring.uow, directory)

    assert fake_keycloak.managers_of(CODE, CAT) == {manager}
    assert Grant(CODE, CAT, Level.USER) in fake_keycloak.grants_of_user("intruder1")
    assert [r.en.split(",")[0] for r in repairs] == ["removed intruder1", f"put the approved manager {manager} back"]
    assert reconcile(wiring.uow, directory) == []


def _new_account(username: str):
    from sync_service.services.ports import NewAccount

    return NewAccount(
        username=username,
        email=f"{username}@clinic.example.tw",
        first_name="大同",
        last_name="張",
        password="Kq7~x" + "Zm4#Kqwp",
        attributes={},
        required_actions=(),
    )
