"""tests/unit/service/test_audit_anchoring.py, on PostgreSQL (the fixtures of this folder's conftest)."""

from tests.unit.service.test_audit_anchoring import *  # noqa: F403
