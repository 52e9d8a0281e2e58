"""Keycloak 26.7.3's Workflows are switched off on every server we start (stack/keycloak.py
FEATURES; decision 0150): departures and reminders run in our worker (decisions 0080, 0085), and
the feature's console tab showed managers only a dead end (issue 21 point 2). What the feature
does, measured when it was on, is recorded in decision 0080. No rule id: the server's shape."""

from __future__ import annotations

from stack.paths import REALM_NAME

WORKFLOWS = f"admin/realms/{REALM_NAME}/workflows"


def test_workflows_are_switched_off(admin, keycloak):
    """No rule id (the server's shape behind decisions 0080 and 0150)."""
    assert admin.connection.raw_get(WORKFLOWS).status_code == 404
    features = admin.connection.raw_get("admin/serverinfo").json()["features"]
    assert {f["name"]: f["enabled"] for f in features}.get("WORKFLOWS") is False
