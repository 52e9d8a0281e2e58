"""The operators' alert rules (monitoring/alert-rules.yml) checked by Prometheus' own tool:
each alert fires on the series that must raise it and stays quiet before (issue 20 item 4)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"


def test_promtool_tests_the_alert_rules():
    """Operators' alerts (issue 20), not a catalogue rule."""
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: `make bootstrap` installs Debian's prometheus"
    checked = subprocess.run(
        [promtool, "check", "rules", "alert-rules.yml"], cwd=MONITORING, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run(
        [promtool, "test", "rules", "alert-rules.test.yml"], cwd=MONITORING, capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
