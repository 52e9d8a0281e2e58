"""The worker's periodic jobs: each runs on its period, a failing one does not stop the others."""

from datetime import UTC, datetime, timedelta

from sync_service.services.schedule import Schedule


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)

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
    hourly, failing = (
        CountingJob("hourly", timedelta(hours=1)),
        CountingJob("failing", timedelta(minutes=1), fails=True),
    )
    schedule = Schedule([failing, hourly], clock)
    assert schedule.run_due() == ["hourly: 1 runs"]
    clock.now += timedelta(minutes=30)
    assert schedule.run_due() == []
    clock.now += timedelta(minutes=30)
    assert schedule.run_due() == ["hourly: 2 runs"]
    assert len(failing.runs) == 3  # each half hour, its period long past
    assert schedule.run_one("hourly") == "3 runs"


class IdleJob:
    name, every = "poll", timedelta(seconds=3)

    def __init__(self):
        self.summaries = iter(["recorded 0", "recorded 0", "recorded 2", "recorded 0", "recorded 0"])

    def run(self, now):
        return next(self.summaries)


def test_a_summary_the_same_as_the_last_is_not_news():
    clock, job = Clock(), IdleJob()
    schedule = Schedule([job], clock)
    news = []
    for _ in range(5):
        news.extend(schedule.run_due())
        clock.now += timedelta(seconds=3)
    assert news == ["poll: recorded 0", "poll: recorded 2", "poll: recorded 0"]
