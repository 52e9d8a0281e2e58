"""Every process refuses to start without a secret, key or address it needs, with one line naming
it (issue 20 item 2): the web processes, the worker and the operator's commands, the stand-in
screening system; and docs/operations.md lists every setting the service reads."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sync_service.settings import NEEDS, PROCESSES, Settings
from tests.support.sync import process_env

ROOT = Path(__file__).resolve().parents[2]
# A command of `python -m sync_service` for each kind of process (sync_service/__main__.py, NEEDS).
COMMANDS = {
    "worker": ["worker", "--once"],
    "keycloak commands": ["reconcile"],
    "records": ["audit", "verify", "--without-keycloak"],
    "records and Keycloak's anchors": ["audit", "verify"],
    "migrations": ["db", "upgrade"],
    "keys": ["keys", "rotate", "data"],
}


def _without(env: dict[str, str], setting: str) -> dict[str, str]:
    """`setting` as NEEDS names it: "X or X_FILE" takes both away."""
    names = setting.split(" or ")
    return {k: v for k, v in env.items() if k not in names}


def _use_env(monkeypatch, env: dict[str, str]) -> None:
    """This process's environment as a process started with `env` would have it (the settings' part)."""
    for name in re.findall(r'_(?:env|path)\("([A-Z_]+)"', (ROOT / "sync_service" / "settings.py").read_text()):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def _one_line_naming(err: str, setting: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "will not start" in lines[0] and setting in lines[0], lines[0]


@pytest.mark.parametrize("setting", sorted(NEEDS))
def test_each_process_that_needs_a_setting_refuses_to_start_without_it(setting, tmp_path, monkeypatch, capsys):
    """Fail fast (issue 20), not a catalogue rule."""
    from sync_service.__main__ import main
    from sync_service.bootstrap import web_app

    env = _without(process_env(tmp_path), setting)
    needing = [process for process, needs in PROCESSES.items() if setting in needs]
    assert needing, f"{setting} is needed by no process"
    for process in needing:
        if process == "web":
            with pytest.raises(SystemExit) as stopped:
                web_app(Settings.from_env(env))
            assert stopped.value.code == 4  # gunicorn: "application failed to load", it stops
        else:
            _use_env(monkeypatch, env)
            assert main(["login"] if process == "login" else COMMANDS[process]) == 78, process
        _one_line_naming(capsys.readouterr().err, setting)
    assert not (tmp_path / "sync.db").exists(), "nothing was started, nothing was made"


def test_with_every_setting_there_a_process_starts(tmp_path, monkeypatch, capsys):
    """Fail fast (issue 20), not a catalogue rule: the check refuses only what is missing."""
    from sync_service.__main__ import main

    _use_env(monkeypatch, process_env(tmp_path))
    assert main(["db", "upgrade"]) == 0
    assert main(["audit", "verify", "--without-keycloak"]) == 0
    for process in PROCESSES:
        assert Settings.from_env(process_env(tmp_path)).missing(process) == []


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_gunicorn_stops_at_once_without_the_session_key(tmp_path):
    """Fail fast (issue 20), not a catalogue rule: the production shape's web processes, as
    stack/prod.py starts them. Without FLASK_SECRET_KEY each process would sign sessions with a
    key of its own; it stops instead, and gunicorn with it (no restarting loop)."""
    env = {"PATH": "/usr/bin:/bin", **_without(process_env(tmp_path), "FLASK_SECRET_KEY")}
    done = _run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            "127.0.0.1:0",
            "sync_service.bootstrap:web_app()",
        ],
        env,
    )
    assert done.returncode != 0
    refusals = [line for line in done.stderr.splitlines() if "will not start" in line]
    assert refusals and all("FLASK_SECRET_KEY" in line for line in refusals), done.stderr[-2000:]


def test_the_worker_process_stops_without_the_mail_server(tmp_path):
    """Fail fast (issue 20), not a catalogue rule."""
    done = _run(
        [sys.executable, "-m", "sync_service", "worker"],
        {"PATH": "/usr/bin:/bin", **_without(process_env(tmp_path), "SMTP_HOST")},
    )
    assert done.returncode == 78
    _one_line_naming(done.stderr, "SMTP_HOST")


@pytest.mark.parametrize("setting", ["OIDC_ISSUER", "SCREENING_CLIENT_SECRET", "FLASK_SECRET_KEY"])
def test_the_stand_in_screening_system_stops_without_its_settings(setting):
    """Fail fast (issue 20), not a catalogue rule."""
    env = {
        "PATH": "/usr/bin:/bin",
        "OIDC_ISSUER": "http://127.0.0.1:9/realms/cancer-screening",
        "SCREENING_CLIENT_SECRET": "test-secret",
        "FLASK_SECRET_KEY": "test-key",
    }
    del env[setting]
    done = _run([sys.executable, "-m", "examples.screening_client", "--port", "9"], env)
    assert done.returncode == 78
    _one_line_naming(done.stderr, setting)


def test_operations_lists_every_setting_the_service_reads():
    """Fail fast (issue 20), not a catalogue rule: docs/operations.md names every environment
    setting of sync_service/settings.py."""
    read = set(re.findall(r'_(?:env|path)\("([A-Z_]+)"', (ROOT / "sync_service" / "settings.py").read_text()))
    documented = (ROOT / "docs" / "operations.md").read_text()
    assert read and sorted(name for name in read if f"`{name}`" not in documented) == []
