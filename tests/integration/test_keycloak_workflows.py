"""What Keycloak 26.7.3's Workflows do for a departure, measured on the run's
server (decision 0080): they are on without a feature flag and a leave-group
step does take the grant away, but no step ends the person's sessions, and a
delayed step waits for the step runner (every 12 h unless the server is told
otherwise). No rule id: this records the server's behaviour the decision rests on."""

from __future__ import annotations

import json
import uuid

import requests

from stack.paths import REALM_NAME
from sync_service.adapters.keycloak_groups import ensure_grant_group
from tests.support.tokens import token_response
from tests.support.waiting import wait_until

WORKFLOWS = f"admin/realms/{REALM_NAME}/workflows"


def test_a_workflow_step_takes_the_grant_but_leaves_the_session(admin, keycloak, make_user, institution):
    """No rule id (the server's behaviour behind decision 0080)."""
    conn = admin.connection
    assert conn.raw_get(WORKFLOWS).status_code == 200  # the feature is on by default in 26.7.3
    users = ensure_grant_group(admin, institution, "CRC-COL", "user")
    person = make_user(groups=[users["path"]])
    held = token_response(keycloak.url, person["username"], person["password"], scope="openid").json()["access_token"]

    workflow = {
        "name": f"departure-probe-{uuid.uuid4().hex[:8]}",
        "steps": [{"uses": "leave-group", "with": {"group": users["path"]}}],
    }
    made = conn.raw_post(WORKFLOWS, data=json.dumps(workflow))
    assert made.status_code == 201, made.text
    workflow_id = made.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    try:
        activated = conn.raw_post(f"{WORKFLOWS}/{workflow_id}/activate/USERS/{person['id']}", data="")
        assert activated.status_code in (200, 204), activated.text
        # The step runs just after the request's transaction, on Keycloak's executor: the grant goes.
        wait_until(lambda: admin.get_user_groups(person["id"]) == [], what="the leave-group step")
        # ... but the person's session and the token they hold live on.
        assert admin.get_sessions(person["id"]) != []
        userinfo = requests.get(
            f"{keycloak.url}/realms/{REALM_NAME}/protocol/openid-connect/userinfo",
            headers={"Authorization": f"Bearer {held}"},
            timeout=20,
        )
        assert userinfo.status_code == 200
    finally:
        conn.raw_delete(f"{WORKFLOWS}/{workflow_id}")
    # Delayed steps and activations with a notBefore wait for the step runner; its period, as the server logged it.
    runner = [
        line
        for line in keycloak.log_file.read_text(errors="replace").splitlines()
        if "Workflow runner task scheduled" in line
    ]
    assert runner and "PT12H" in runner[-1], runner
