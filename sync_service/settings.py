"""Settings from the environment, with embedded defaults for a developer's machine."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: _env(
        "SYNC_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'sync-service.db'}"))
    keycloak_url: str = field(default_factory=lambda: _env("KEYCLOAK_URL", "http://127.0.0.1:8080"))
    realm: str = field(default_factory=lambda: _env("KEYCLOAK_REALM", "cancer-screening"))
    client_id: str = field(default_factory=lambda: _env("SYNC_SERVICE_CLIENT_ID", "sync-service"))
    client_secret: str = field(default_factory=lambda: _env("SYNC_SERVICE_CLIENT_SECRET", ""))
    secret_key: str = field(default_factory=lambda: _env("FLASK_SECRET_KEY", ""))
