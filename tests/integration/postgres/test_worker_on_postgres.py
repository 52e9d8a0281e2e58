"""tests/unit/service/test_worker.py, on PostgreSQL (the fixtures of this folder's conftest)."""

from tests.unit.service.test_worker import *  # noqa: F403
