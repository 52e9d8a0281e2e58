"""tests/unit/service/test_concurrency.py, on PostgreSQL (the fixtures of this folder's conftest)."""

from tests.unit.service.test_concurrency import *  # noqa: F403
