"""Our index on Keycloak's user attributes for a search by value (docs/decisions/0143-finding-a-person-at-full-size.md).

The sync service finds a person's account by the digest of their national ID
(`GET /users?q=nationalIdDigests:<digest>`: the legacy import for every account, the A and C
approvals, the managers' page). Keycloak 26.7.3 answers a `q=` search with
`... USER_ATTRIBUTE a ... where a.NAME = $1 and lower(a.VALUE) = $2`, and its own index on
(NAME, VALUE) cannot serve `lower(VALUE)` (keycloak#37454, open; keycloak#37607): PostgreSQL
read every attribute of every user of the realm, a lookup grew with the number of accounts (127 ms
at 12,400 accounts in the full-size import rehearsal, about 1 s at 100,000). An index on
(name, lower(value)) answers it in a tenth of a millisecond.

Kept like the policy index (stack/policy_index.py): `ensure` runs after Keycloak has started
(and migrated its schema) on every `up`, idempotent, made again if an upgrade dropped it.
`tests/prod/test_user_attribute_index.py` fails if Keycloak changes its statement so that the
index no longer serves it.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import postgres

TABLE = "user_attribute"
INDEX = "user_attribute_name_lower_value"

ENSURE_SQL = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (name, lower(value));
ANALYZE {TABLE};
"""

# The index as PostgreSQL describes it once made (pg_indexes.indexdef).
WANTED_DEFINITION = "(name, lower((value)::text))"


def ensure(psql) -> None:
    """Make the index if it is missing (`postgres.ensure_index`)."""
    postgres.ensure_index(psql, INDEX, ENSURE_SQL)


# Hibernate's SQL for a user search by attribute (`JpaUserProvider.searchForUserStream`), as
# PostgreSQL logs it: group 2 is the attribute table's alias, compared by name and lower(value).
_STATEMENT = re.compile(
    r"execute [^:]*: (select .*from user_entity \w+ (?:left )?join user_attribute (\w+) on .*"
    r"\b\2\.name=\$\d+ and lower\(\2\.value\)=\$\d+.*)$",
    re.IGNORECASE,
)


def attribute_search_statement(log: Path, start: int = 0) -> tuple[str, dict[int, str]] | None:
    """(statement, {n: quoted value}) of the first user search by attribute PostgreSQL logged after
    byte `start` of its log; None if there is none yet."""
    return postgres.logged_statement(log, _STATEMENT, start)
