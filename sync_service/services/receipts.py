"""Scheduled job: each applicant is mailed the application's reference once it is in (issue 21
point 5). At least once: a mail whose record is lost in a crash is sent again, never none."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .notifications import receipt_mail
from .ports import Mailer, MailUnavailable, UnitOfWork

log = logging.getLogger(__name__)
JOB_NAME = "application-receipts"


@dataclass
class ReceiptMails:
    uow_factory: Callable[[], UnitOfWork]
    mailer: Mailer
    status_page: str | None  # the pages' "where is my application" address, when the service knows it
    every: timedelta = timedelta(seconds=5)
    batch: int = 50
    name: str = JOB_NAME

    def run(self, now: datetime) -> str:
        with self.uow_factory() as uow:
            waiting = uow.applications.awaiting_receipt(self.batch)
        sent = failed = 0
        for app in waiting:
            try:
                self.mailer.send(receipt_mail(app, self.status_page, message_id=f"<receipt.{app.id}@sync-service>"))
            except MailUnavailable:  # the mail server away: tried again on the next run
                failed += 1
                log.warning("receipt of application %s not sent: the mail server is away", app.id)
                continue
            with self.uow_factory() as uow:
                uow.applications.receipt_mailed(app.id, now)
                uow.commit()
            sent += 1
        return f"sent {sent}, failed {failed} / 已寄 {sent}、失敗 {failed}"
