"""The service's clock: aware UTC now (the domain turns it into Taiwanese dates)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
