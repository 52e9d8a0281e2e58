"""`python -m sync_service import-legacy FILE [--dry-run] [--report PATH] [--per-request N]`

Reads the old system's CSV export (docs/legacy-import.md), checks every row, imports what
passes (services/legacy_import.py), writes every refused row with its reason to the report
(zh-Hant and English), and shows a progress bar (rich) with the rate and the time left on
stderr. Resumable and idempotent: the state is in the service's database under the file's
SHA-256 and row number. Logs name no person: counts, row numbers and reason codes only.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

import policies

from .domain import taiwan_date
from .domain.legacy import COLUMNS, HASH_NOTES, REQUIRED_COLUMNS, plan

log = logging.getLogger(__name__)

REPORT_COLUMNS = ("row", "account", "outcome", "code", "原因", "reason")
OUTCOME = {"refused": "refused 未匯入", "notice": "imported 已匯入（附註）"}


class RowsPerSecond(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s 列/秒" if speed else "- rows/s 列/秒")


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(row number as a spreadsheet shows it: the header is row 1, the first account row 2, row)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(missing)
        return [(i, row) for i, row in enumerate(reader, start=2)]


def write_report(path: Path, refusals, states) -> int:
    """Every refused row (from the checks of this run and from the database), and the notices of
    imported rows; ordered by row. Returns the number of refused rows."""
    lines: dict[int, tuple] = {}
    for r in refusals:
        lines[r.row] = (r.row, r.account, OUTCOME["refused"], r.code, r.zh, r.en)
    for s in states.values():
        if s.status == "refused":
            lines[s.row] = (s.row, s.account, OUTCOME["refused"], s.reason_code, s.reason_zh, s.reason_en)
        elif s.reason_code in HASH_NOTES and s.row not in lines:
            lines[s.row] = (s.row, s.account, OUTCOME["notice"], s.reason_code, s.reason_zh, s.reason_en)
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(REPORT_COLUMNS)
        for row in sorted(lines):
            writer.writerow(lines[row])
    return sum(1 for line in lines.values() if line[2] == OUTCOME["refused"])


def run(wiring, file: str, *, dry_run: bool, report: str | None, per_request: int | None) -> int:
    from .services.legacy_import import import_legacy

    path = Path(file)
    report_path = Path(report) if report else path.with_name(path.name + ".report.csv")
    try:
        rows = read_rows(path)
    except ValueError as e:
        print(
            f"missing columns / 缺少欄位：{', '.join(e.args[0])}; expected / 應有：{', '.join(COLUMNS)}",
            file=sys.stderr,
        )
        return 2
    digest = file_digest(path)
    checked = plan(rows, policies.load().categories, policies.legacy_import())
    log.info(
        "legacy import of file %s: %d rows, %d accounts, %d rows refused by the checks%s",
        digest[:12],
        checked.rows,
        len(checked.accounts),
        len(checked.refusals),
        " (dry run)" if dry_run else "",
    )
    console = Console(stderr=True)
    columns = (
        TextColumn("[bold]匯入 import"),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        TimeElapsedColumn(),
        TextColumn("剩餘 left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("import", total=checked.rows)
        now = lambda: datetime.now(UTC)  # noqa: E731
        summary = import_legacy(
            checked,
            digest,
            wiring.uow,
            wiring.directory_factory(),
            today=taiwan_date(now()),
            clock=now,
            dry_run=dry_run,
            per_request=per_request,
            progress=lambda n: bar.advance(task, n),
        )
    with wiring.uow() as uow:
        states = uow.legacy.rows_of(digest)
    refused = write_report(report_path, checked.refusals, states)
    print(("DRY RUN, nothing changed: / 試跑，未做任何變更：\n" if dry_run else "") + str(summary))
    print(f"report / 報告：{report_path} ({refused} refused rows / 未匯入 {refused} 列); file / 檔案 sha256 {digest}")
    log.info(
        "legacy import of file %s: %s imported, %s refused in this run", digest[:12], summary.imported, summary.refused
    )
    return 0
