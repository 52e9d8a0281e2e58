"""Our indexes on Keycloak's own tables, made after Keycloak has made or migrated its schema on
PostgreSQL: on its policy configuration (decision 0100, stack/policy_index.py) and on its user
attributes, for finding a person by national-ID digest (decision 0143, stack/attribute_index.py).
The production shape makes them on every start; the benches on PostgreSQL make them too, so they
measure what production runs."""

from __future__ import annotations

from collections.abc import Callable

from . import attribute_index, policy_index


def ensure(psql: Callable[[str], object]) -> None:
    """Make both if missing; `psql` runs SQL in Keycloak's database."""
    policy_index.ensure(psql)
    attribute_index.ensure(psql)
