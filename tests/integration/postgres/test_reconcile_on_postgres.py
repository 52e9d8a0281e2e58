"""tests/unit/service/test_reconcile.py, on PostgreSQL (the fixtures of this folder's conftest)."""

from tests.unit.service.test_reconcile import *  # noqa: F403
