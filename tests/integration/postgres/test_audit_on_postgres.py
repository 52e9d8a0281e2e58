"""tests/unit/service/test_audit.py, on PostgreSQL (the fixtures of this folder's conftest)."""

from tests.unit.service.test_audit import *  # noqa: F403
