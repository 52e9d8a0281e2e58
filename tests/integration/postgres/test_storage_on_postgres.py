"""tests/unit/service/test_storage.py, on PostgreSQL (the fixtures of this folder's conftest)."""

from tests.unit.service.test_storage import *  # noqa: F403
