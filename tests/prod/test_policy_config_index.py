"""Our trigram index on Keycloak's `policy_config` (decision 0100) is there after `up`, and serves
the statement Keycloak's partial evaluation really runs for a manager's user list: the test
catches that statement in PostgreSQL's log and has PostgreSQL plan it. If a Keycloak upgrade
changes the statement (another table, column or operator), the table or the column type, this
fails and tells which."""

from __future__ import annotations

import re
import uuid

import requests

from stack import policy_index, postgres
from stack.paths import REALM_NAME
from sync_service.adapters.keycloak_groups import grant_group_path
from sync_service.adapters.keycloak_permissions import ensure_manager_permissions
from tests.conftest import good_password, unique
from tests.support.personal_data import national_id_of
from tests.support.waiting import wait_until

CATEGORY = "CRC-COL"


def test_the_index_is_there_and_serves_keycloaks_dependent_policy_lookup(prod_stack, prod_admin, sign_in):
    """Covers: R-USR-4"""
    psql = lambda sql: prod_stack.pg.psql(sql, database="keycloak")  # noqa: E731

    # What we index: Keycloak's table and column, as text, and our index on them.
    assert (
        psql(
            f"SELECT data_type FROM information_schema.columns WHERE table_name = '{policy_index.TABLE}' "
            f"AND column_name = '{policy_index.COLUMN}'"
        ).strip()
        == "text"
    )
    definition, valid = postgres.index_state(psql, policy_index.INDEX) or ("", False)
    assert policy_index.WANTED_DEFINITION in definition, definition or "index missing"
    assert valid

    # A manager of a pair of their own, with one user.
    code = f"{uuid.uuid4().int % 10**10:010d}"
    ensure_manager_permissions(prod_admin, code, CATEGORY)
    manager, password = unique("m"), good_password()
    own_user = unique("u")
    for name, level, credentials in (
        (manager, "manager", [{"type": "password", "value": password, "temporary": False}]),
        (own_user, "user", []),
    ):
        user_id = prod_admin.create_user(
            {
                "username": name,
                "email": f"{name}@clinic.example.tw",
                "enabled": True,
                "emailVerified": True,
                "firstName": "怡君",
                "lastName": "陳",
                "attributes": {
                    "department": ["檢驗科"],
                    "phone": ["(02)2559-1969"],
                    "nationalId": [national_id_of(name)],
                },
                "groups": [grant_group_path(code, CATEGORY, level)],
                "credentials": credentials,
            }
        )
        prod_admin.update_user(user_id, {"requiredActions": []})
    ca = str(prod_stack.ca_file)
    token = sign_in.token(manager, password)
    token.raise_for_status()
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    log = prod_stack.pg.folder / "postgres.log"

    # Every statement logged with its parameters while the manager lists their users.
    start = log.stat().st_size
    prod_stack.pg.psql("ALTER SYSTEM SET log_min_duration_statement = 0; SELECT pg_reload_conf();")
    try:

        def listed_and_logged():
            r = requests.get(
                f"{prod_stack.url}/admin/realms/{REALM_NAME}/users",
                headers=headers,
                verify=ca,
                params={"first": "0", "max": "11", "briefRepresentation": "true"},
                timeout=60,
            )
            r.raise_for_status()
            assert [u["username"] for u in r.json()] == [own_user]  # only their own user, as before
            return policy_index.dependent_policy_statement(log, start)

        statement, parameters = wait_until(
            listed_and_logged, timeout=60, what="Keycloak's dependent-policy statement in PostgreSQL's log"
        )
    finally:
        prod_stack.pg.psql("ALTER SYSTEM RESET log_min_duration_statement; SELECT pg_reload_conf();")

    # The statement still reads policy_config.value with LIKE '%<id>%' (one LIKE per id of the caller) ...
    like_values = [parameters[int(n)] for n in re.findall(r"\bvalue like \$(\d+)", statement, re.IGNORECASE)]
    searched = [v for v in like_values if re.fullmatch(r"'%[0-9a-f-]{36}%'", v)]
    assert searched, f"Keycloak no longer searches policy_config.value for '%<id>%': {statement} {parameters}"
    # ... and PostgreSQL answers each such LIKE with our index. (Whether the planner starts the whole
    # statement from it depends on the table's size: at 25,000 pairs it does, EXPLAIN in docs/bench.md;
    # in this small realm it rightly prefers the primary keys.)
    for value in searched:
        plan = psql(
            "SET enable_seqscan = off; "
            f"EXPLAIN SELECT policy_id FROM {policy_index.TABLE} WHERE {policy_index.COLUMN} LIKE {value}"
        )
        assert policy_index.INDEX in plan, plan
    # Keycloak's whole statement, with its parameters, still plans on today's schema.
    assert "Planning Time" in psql(policy_index.explain(statement, parameters, options="(ANALYZE)"))
