"""Locks by purpose (issue 20 item 5): requirements.lock holds what production runs and nothing of
the tests or tools; requirements-dev.lock adds those and agrees with it on every shared package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"pytest", "playwright", "schemathesis", "hypothesis", "ruff", "mypy", "aiosmtpd", "uv"}


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {m[0].lower().replace("_", "-"): m[1] for m in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


def test_the_runtime_lock_holds_the_service_and_no_tools():
    """Locks by purpose (issue 20), not a catalogue rule."""
    runtime = _pins("requirements.lock")
    assert {"flask", "gunicorn", "redis", "psycopg", "prometheus-client", "python-keycloak"} <= runtime.keys()
    assert not TOOLS & runtime.keys(), TOOLS & runtime.keys()


def test_the_developer_lock_adds_the_tools_at_the_runtime_versions():
    """Locks by purpose (issue 20), not a catalogue rule."""
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {"pytest", "playwright", "ruff", "mypy"} <= dev.keys()
    assert {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version} == {}
