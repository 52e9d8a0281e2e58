"""The audit export (R-AUD-1, decision 0091): for one institution and a date range, every
account and permission change, who made it and on whose approval, as CSV for a person and
as a signed bundle an auditor verifies offline.

The rows come from the audit chain as stored. A row belongs to an institution when it is
about one of its applications, names it in the grant change it applied, or (Keycloak's own
events, decision 0090) names it among the institutions of the people involved.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import policies

from ..domain import Grant, Level, fields, words
from ..domain.errors import FieldError, FormInvalid
from ..domain.keycloak_events import SIGN_IN_ACTIONS
from .applications import require_staff
from .ports import AuditEntry, BundleWriter, Caller, ChainRow, Directory, ExportRequest, UnitOfWork

TAIWAN = timezone(timedelta(hours=8))
LONGEST_RANGE_DAYS = 3 * 366  # one request reads at most this much of the chain

# Column headers, zh-Hant first with English beside (decision 0050).
CSV_COLUMNS = (
    "序號 Seq",
    "時間（臺灣） Time (Taiwan)",
    "執行者 Made by",
    "動作 Action",
    "動作說明 What",
    "對象帳號 Account",
    "核准者 Approved by",
    "申請案 Application",
    "機構 Institutions",
    "來源 IP address",
)


def action_text(action: str) -> str:
    """What an action is, in words, from the pages' one list (domain/words.py); an action it does
    not know leaves the column empty (the code is in the column before)."""
    zh, en = words.action_words(action)
    return "" if zh == action else f"{zh} / {en}"


def export_request(institution: str, start: str, end: str) -> ExportRequest:
    """The request from what a person typed, or FormInvalid naming every wrong field, in both languages."""
    errors: dict[str, tuple[str, str]] = {}
    institution = (institution or "").strip()
    if not (institution.isdigit() and len(institution) == 10):
        errors["institution"] = ("請輸入 10 位數字的機構代碼", "Enter the institution's 10-digit code")
    dates = {}
    for field, value in (("from", start), ("to", end)):
        try:
            dates[field] = date.fromisoformat((value or "").strip())
        except ValueError:
            errors[field] = ("請輸入日期，格式如 2026-11-29", "Enter a date such as 2026-11-29")
    if len(dates) == 2 and dates["from"] > dates["to"]:
        errors["to"] = ("結束日不可早於開始日", "The end date cannot be before the start date")
    elif len(dates) == 2 and (dates["to"] - dates["from"]).days > LONGEST_RANGE_DAYS:
        errors["to"] = (
            f"一次最多匯出 {LONGEST_RANGE_DAYS} 日，請分段匯出",
            f"At most {LONGEST_RANGE_DAYS} days at once: export in parts",
        )
    if errors:
        raise FormInvalid(FieldError(f"export.{f}.invalid", f, zh, en) for f, (zh, en) in errors.items())
    return ExportRequest(institution, dates["from"], dates["to"])


def _institutions(row: ChainRow, details: dict[str, Any]) -> set[str]:
    found = set(details.get("institutions") or [])
    if row.application_institution:
        found.add(row.application_institution)
    change = details.get("change") or {}
    if change.get("institution_code"):
        found.add(change["institution_code"])
    for c in details.get("changes") or []:
        if isinstance(c, dict) and c.get("institution_code"):
            found.add(c["institution_code"])
    return found


def _account(row: ChainRow, details: dict[str, Any]) -> str:
    change = details.get("change") or {}
    return details.get("subject") or change.get("account") or details.get("username") or row.application_account or ""


def selected_rows(uow: UnitOfWork, request: ExportRequest) -> list[ChainRow]:
    """The institution's account and permission changes in the range, in chain order (sign-ins left out)."""
    start, end = request.utc_range
    with uow:
        rows = uow.audit_rows(start, end)
    return [r for r in rows if r.action not in SIGN_IN_ACTIONS and request.institution in _institutions(r, _details(r))]


def _details(row: ChainRow) -> dict[str, Any]:
    return row.shown.details if row.shown is not None and row.shown.details is not None else json.loads(row.payload)


def _cell(value: object) -> str:
    """A spreadsheet must show a value, never run it as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(rows: list[ChainRow]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        details = _details(r)
        actor, approved_by = (r.shown.actor, r.shown.approved_by) if r.shown is not None else (r.actor, r.approved_by)
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.seq,
                    r.at.astimezone(TAIWAN).strftime("%Y-%m-%d %H:%M:%S"),
                    actor,
                    r.action,
                    action_text(r.action),
                    _account(r, details),
                    approved_by or "",
                    r.application_id or "",
                    " ".join(sorted(_institutions(r, details))),
                    details.get("ip") or "",
                )
            ]
        )
    return out.getvalue()


# ---- an audit of an institution (R-AUD-2, R-VEN-1; 附件2-1 七) ---------------------------------

# 「定期或不定期派員實施查核…得以不預告之方式進行」
AUDIT_KINDS: dict[str, tuple[str, str]] = {
    "periodic": ("定期查核", "periodic audit"),
    "unannounced": ("不定期（不預告）查核", "unannounced audit"),
}
ACCOUNT_COLUMNS = ("業務類別 Category", "層級 Level", "帳號 Account", "E-mail", "狀態 State")


@dataclass(frozen=True)
class HeldGrant:
    """One grant the institution's people hold, as Keycloak holds it now (or as a suspension keeps it)."""

    category: str
    level: str
    username: str
    email: str
    state: str = "active"  # active; suspended (kept aside until the suspension is lifted)


def accounts_and_grants(directory: Directory, institution: str) -> list[HeldGrant]:
    """Every account holding a grant of the institution, per category and level."""
    held = []
    for category in policies.load().categories:
        for level in Level:
            for username, account_id in sorted(directory.members(Grant(institution, category, level)).items()):
                account = directory.account(account_id)
                held.append(HeldGrant(category, level.value, username, (account.email if account else "") or ""))
    return held


def accounts_csv(held: list[HeldGrant]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ACCOUNT_COLUMNS)
    states = {"active": "有效 active", "suspended": "停權中 suspended"}
    levels = {"manager": "管理者 manager", "user": "使用者 user"}
    for g in held:
        writer.writerow(
            [_cell(v) for v in (g.category, levels.get(g.level, g.level), g.username, g.email, states.get(g.state))]
        )
    return out.getvalue()


def audit_kind(value: object) -> str:
    kind = str(value or "").strip()
    if kind not in AUDIT_KINDS:
        raise FormInvalid(
            [FieldError("audit.kind", "kind", "請選擇定期或不定期查核", "Choose a periodic or an unannounced audit")]
        )
    return kind


@dataclass
class AuditExport:
    uow_factory: Callable[[], UnitOfWork]
    writer: BundleWriter
    clock: Callable[[], datetime]

    def csv(self, request: ExportRequest) -> str:
        return csv_text(selected_rows(self.uow_factory(), request))

    def bundle(self, request: ExportRequest, accounts: list[HeldGrant] | None = None) -> bytes:
        rows = selected_rows(self.uow_factory(), request)
        with self.uow_factory() as uow:  # the chain's checkpoints mailed since the range began (decision 0136)
            checkpoints = uow.audit_checkpoints.made_since(request.utc_range[0])
        return self.writer.bundle(
            request,
            rows,
            self.clock(),
            checkpoints,
            accounts=[asdict(a) for a in accounts] if accounts is not None else None,
        )

    def open(
        self,
        caller: Caller,
        directory: Directory,
        request: ExportRequest,
        *,
        kind: object,
        reference: object = "",
        what: str,
    ) -> list[HeldGrant]:
        """HPA or the vendor opens an audit of one institution (附件2-1 七): the accounts and grants
        it holds now are read, and the chain records who looked at what, when, and why."""
        require_staff(caller)
        kind = audit_kind(kind)
        ref = fields.clean(reference, "reference")[:50]
        held = accounts_and_grants(directory, request.institution)
        with self.uow_factory() as uow:
            uow.record(
                AuditEntry(
                    actor=caller.username,
                    action="audit.opened",
                    at=self.clock(),
                    details={
                        "institutions": [request.institution],
                        "kind": kind,
                        "reference": ref or None,
                        "from": request.start.isoformat(),
                        "to": request.end.isoformat(),
                        "export": what,
                        "grants": len(held),
                    },
                )
            )
            uow.commit()
        return held

    @staticmethod
    def file_name(request: ExportRequest, extension: str) -> str:
        return f"audit-{request.institution}-{request.start:%Y%m%d}-{request.end:%Y%m%d}.{extension}"
