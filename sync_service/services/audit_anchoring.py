"""The audit chain's end kept where the sync database's owner cannot rewrite it (R-AUD-1,
issue 19 item 5, decision 0136).

- `AuditAnchorJob` records the chain's end in Keycloak's admin events every few seconds (a
  second place beside the signed head file): cutting the chain's tail and deleting the head file
  no longer goes unseen.
- `AuditCheckpointJob` mails a signed checkpoint of the chain's end to the agency every period in
  which the chain grew: once mailed it is out of reach, so a history rewritten afterwards, even
  re-signed by whoever holds the signing key, no longer matches it.

Both jobs are safe from two workers at once (a second anchor is one more record; a period's
checkpoint is claimed once) and work out what is due from what they find.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .ports import AuditAnchors, AuditCheckpoint, Mailer, OutgoingMail, UnitOfWork

_TAIWAN = timezone(timedelta(hours=8))


@dataclass
class AuditAnchorJob:
    uow_factory: Callable[[], UnitOfWork]
    anchors_factory: Callable[[], AuditAnchors]
    every: timedelta
    name: str = "audit-anchor"
    _anchored_seq: int | None = field(default=None, repr=False)
    _anchors: AuditAnchors | None = field(default=None, repr=False)

    def run(self, now: datetime) -> str:
        with self.uow_factory() as uow:
            anchor = uow.audit_checkpoints.anchor()
        if anchor is None or anchor.seq == self._anchored_seq:
            return "nothing new to anchor"
        if self._anchors is None:
            self._anchors = self.anchors_factory()
        try:
            self._anchors.record(anchor)
        except Exception:
            self._anchors = None  # a fresh client next run (a token expired, Keycloak restarted)
            raise
        self._anchored_seq = anchor.seq
        return "the chain's end anchored in Keycloak"  # the same words each time: logged once


@dataclass
class AuditCheckpointJob:
    uow_factory: Callable[[], UnitOfWork]
    mailer: Mailer
    mail_to: str
    every: timedelta
    name: str = "audit-checkpoint"

    def run(self, now: datetime) -> str:
        period = int(now.timestamp() // self.every.total_seconds())
        with self.uow_factory() as uow:
            checkpoint = uow.audit_checkpoints.claim(period, now, self.mail_to)
            if checkpoint is None:
                return "no checkpoint due"
            # MailUnavailable leaves the claim uncommitted: the next run makes it again.
            self.mailer.send(checkpoint_mail(self.mail_to, checkpoint))
            uow.commit()
        return f"checkpoint at row {checkpoint.seq} mailed"


def checkpoint_mail(to: str, checkpoint: AuditCheckpoint) -> OutgoingMail:
    when = checkpoint.at.astimezone(_TAIWAN).strftime("%Y-%m-%d %H:%M")
    body = f"""國民健康署 稽核人員 您好：

本信為「癌症篩檢與追蹤管理資訊整合系統」登入與帳號管理之稽核紀錄查核點，由系統自動寄出，
請原封保存（建議以規則自動歸檔），勿回覆。

  時間：{when} 臺北時間
  稽核紀錄至第 {checkpoint.seq} 筆
  第 {checkpoint.seq} 筆之雜湊：{checkpoint.hash}

查核時，將本信（或下列一行）交給：
  python -m sync_service audit verify --checkpoints 本信檔案
若稽核紀錄在本信寄出後遭刪減或改寫（即使以簽章金鑰重新簽署），驗證即失敗並指出第幾筆。

----------------------------------------------------------------
To the auditors of the Health Promotion Administration:

This is a checkpoint of the audit chain of the Cancer Screening Information Integration
System's sign-on and account administration, sent automatically. Please keep it unchanged
(an automatic filing rule is best); do not reply.

  Time: {when} (Taipei time, UTC+8)
  The audit chain up to row {checkpoint.seq}
  Hash of row {checkpoint.seq}: {checkpoint.hash}

When auditing, give this mail (or the line below) to
  python -m sync_service audit verify --checkpoints this-mail.eml
If the chain is cut or rewritten after this mail was sent (even re-signed with the signing
key), the check fails and names the row.

{checkpoint.line}
"""
    return OutgoingMail(
        to=to,
        subject=f"稽核紀錄查核點 第 {checkpoint.seq} 筆 / Audit chain checkpoint, row {checkpoint.seq} ({when})",
        body=body,
        message_id=f"<audit-checkpoint.{checkpoint.seq}.{int(checkpoint.at.timestamp())}@sync-service>",
    )
