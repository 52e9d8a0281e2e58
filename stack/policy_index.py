"""Our index on Keycloak's policy configuration table (docs/decisions/0100-manager-console-at-scale.md).

Keycloak 26.7.3 looks up, on every user list or search by someone without `view-users`
(an institution manager), the permissions that could apply to the caller:
`JPAPolicyStore.findDependentPolicies`, on PostgreSQL a 7-table join ending in
`... POLICY_CONFIG c2_0 ... and (c2_0.VALUE like '%<id>%' or ...)`, one LIKE per group, role
or user id of the caller. No b-tree serves a LIKE with a leading `%`: PostgreSQL walked every
permission instead, so the call grew with the number of institution x category pairs. A
trigram GIN index serves it.

The deployment keeps the index: `ensure` runs after Keycloak has started (and migrated its
schema) on every `up`; it is idempotent and makes the index again if an upgrade dropped or
rebuilt the table. `tests/prod/test_policy_config_index.py` fails if Keycloak changes the
statement, the table or the column so that the index no longer serves it.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import postgres

TABLE, COLUMN = "policy_config", "value"
INDEX = "policy_config_value_trgm"

# pg_trgm is a trusted extension (PostgreSQL 13+) shipped with Debian's server package.
ENSURE_SQL = f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin ({COLUMN} gin_trgm_ops);
ANALYZE {TABLE};
"""

# The index as PostgreSQL describes it once made (pg_indexes.indexdef).
WANTED_DEFINITION = f"USING gin ({COLUMN} gin_trgm_ops)"


def ensure(psql) -> None:
    """Make the index if it is missing (`postgres.ensure_index`)."""
    postgres.ensure_index(psql, INDEX, ENSURE_SQL)


# Hibernate's SQL for `findDependentPolicyByResourceTypeAndConfig`, as PostgreSQL logs it.
_STATEMENT = re.compile(
    r"execute [^:]*: (select .*from resource_server_policy .*policy_config.*"
    r"\bvalue like \$\d+.*)$",
    re.IGNORECASE,
)


def dependent_policy_statement(log: Path, start: int = 0) -> tuple[str, dict[int, str]] | None:
    """(statement, {n: quoted value}) of the first dependent-policy lookup PostgreSQL logged after
    byte `start` of its log; None if there is none yet."""
    return postgres.logged_statement(log, _STATEMENT, start)


explain = postgres.explain
