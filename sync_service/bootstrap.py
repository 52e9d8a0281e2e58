"""Wires settings to adapters once. Connections open lazily, on first use."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from .settings import Settings


@dataclass
class Wiring:
    settings: Settings
    engine: Engine

    def database_ok(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # health reports, it does not raise
            return False


def bootstrap(settings: Settings) -> Wiring:
    if settings.database_url.startswith("sqlite:///"):
        from pathlib import Path
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return Wiring(settings=settings, engine=create_engine(settings.database_url))
