"""Our index on Keycloak's user attributes (decision 0143) is there after `up`, and serves the
statement Keycloak really runs when the sync service looks a person up by the digest of their
national ID: the test catches that statement in PostgreSQL's log and has PostgreSQL plan its
attribute comparison. If a Keycloak upgrade changes the statement (no more lower(value), another
table or column), this fails and tells which. At 12,400 accounts the lookup took 127 ms without
the index and 0.09 ms with it (docs/bench.md, the full-size import)."""

from __future__ import annotations

import re

from stack import attribute_index, postgres
from tests.support.personal_data import national_id_of
from tests.support.waiting import wait_until


def test_the_index_is_there_and_serves_the_lookup_of_a_person(prod_stack, prod_wiring, make_people):
    """Covers: R-ACC-1"""
    psql = lambda sql: prod_stack.pg.psql(sql, database="keycloak")  # noqa: E731

    definition, valid = postgres.index_state(psql, attribute_index.INDEX) or ("", False)
    assert attribute_index.WANTED_DEFINITION in definition, definition or "index missing"
    assert valid

    ((username, _),) = make_people(1)
    log = prod_stack.pg.folder / "postgres.log"

    # Every statement logged with its parameters while the sync service finds the person.
    start = log.stat().st_size
    prod_stack.pg.psql("ALTER SYSTEM SET log_min_duration_statement = 0; SELECT pg_reload_conf();")
    try:

        def found_and_logged():
            account = prod_wiring.directory().account_of_person(national_id_of(username))
            assert account is not None and account.username == username
            return attribute_index.attribute_search_statement(log, start)

        statement, parameters = wait_until(
            found_and_logged, timeout=60, what="Keycloak's user search by attribute in PostgreSQL's log"
        )
    finally:
        prod_stack.pg.psql("ALTER SYSTEM RESET log_min_duration_statement; SELECT pg_reload_conf();")

    # Keycloak still compares the attribute's name and lower(value) ...
    compared = re.search(r"\b(\w+)\.name=\$(\d+) and lower\(\1\.value\)=\$(\d+)", statement, re.IGNORECASE)
    assert compared, f"Keycloak no longer searches user_attribute by name and lower(value): {statement}"
    name, value = parameters[int(compared.group(2))], parameters[int(compared.group(3))]
    assert name == "'nationalIdDigests'", name
    # ... and PostgreSQL answers that comparison with our index. (Whether the planner starts the
    # whole statement from it depends on the table's size: at 12,400 accounts it does, EXPLAIN in
    # docs/bench.md; in this small realm it may rightly start from the realm's users.)
    plan = psql(
        "SET enable_seqscan = off; "
        f"EXPLAIN SELECT user_id FROM {attribute_index.TABLE} WHERE name = {name} AND lower(value) = {value}"
    )
    assert attribute_index.INDEX in plan, plan
    # Keycloak's whole statement, with its parameters, still plans on today's schema.
    assert "Planning Time" in psql(postgres.explain(statement, parameters, options="(ANALYZE)"))
