"""The worker's periodic jobs: each runs on its period, a failing one does not stop the others."""
from datetime import datetime, timedelta, timezone

from sync_service.services.schedule import Schedule


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now


class CountingJob:
    def __init__(self, name, every, fails=False):
        self.name, self.every, self.fails, self.runs = name, every, fails, []

    def run(self, now):
        self.runs.append(now)
        if self.fails:
            raise RuntimeError("away")
        return f"{len(self.runs)} runs"


def test_each_job_runs_once_per_period_and_a_failure_does_not_stop_the_rest():
    clock = Clock()
    hourly, failing = CountingJob("hourly", timedelta(hours=1)), CountingJob("failing", timedelta(minutes=1), fails=True)
    schedule = Schedule([failing, hourly], clock)
    assert schedule.run_due() == ["hourly: 1 runs"]
    clock.now += timedelta(minutes=30)
    assert schedule.run_due() == []
    clock.now += timedelta(minutes=30)
    assert schedule.run_due() == ["hourly: 2 runs"]
    assert len(failing.runs) == 3  # each half hour, its period long past
    assert schedule.run_one("hourly") == "3 runs"
