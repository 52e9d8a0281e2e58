"""An administrator's update of a person reaches the chain with the fields it changed (decision
0123): names and masked e-mail addresses, never a personal value."""

from __future__ import annotations

from sync_service.domain.keycloak_events import ADMIN, People, Person, audit_fields, stored_event


def test_the_changed_fields_of_a_console_update_are_kept_and_nothing_else():
    """Covers: R-AUD-1, R-PD-1"""
    raw = {
        "id": "e-1",
        "time": 1_764_900_000_000,
        "operationType": "UPDATE",
        "resourceType": "USER_FIELDS",
        "resourcePath": "users/u-2",
        "authDetails": {"userId": "u-1", "clientId": "c", "ipAddress": "127.0.0.1"},
        "representation": '{"firstName": "雅雯"}',
        "details": {
            "screening_changed_fields": "email,firstName",
            "screening_email_from": "w***@clinic.example.tw",
            "screening_email_to": "l***@other.example.tw",
            "something_else": "雅雯",
        },
    }
    people = People(users={"u-1": Person("manager01"), "u-2": Person("staff01")}, groups={})
    row = audit_fields(stored_event(ADMIN, raw), people)
    assert row["actor"] == "manager01" and row["action"] == "keycloak.admin.user_fields.update"
    assert row["details"]["subject"] == "staff01"
    assert row["details"]["details"] == {
        "screening_changed_fields": "email,firstName",
        "screening_email_from": "w***@clinic.example.tw",
        "screening_email_to": "l***@other.example.tw",
    }
    assert "雅雯" not in str(row)
