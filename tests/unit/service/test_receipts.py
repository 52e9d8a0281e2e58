"""Each applicant is mailed the application's reference once it is in (issue 21 point 5): once,
with what was filed in words, Taipei time, and where to look it up; a mail server that is away is
tried again. No rule id: a convenience of the pages, not one of the agency's rules."""

from __future__ import annotations

from datetime import UTC, datetime

from sync_service.services import applications as use_cases
from sync_service.services.receipts import ReceiptMails
from tests.support.sync import form


def test_each_applicant_is_mailed_the_reference_once(wiring, mailer):
    at = datetime(2026, 12, 5, 3, 56, tzinfo=UTC)  # 11:56 in Taipei
    app = use_cases.submit(
        wiring.uow(), form("A", "3502990011", "wang12345", application_date="2026-12-05"), caller=None, now=at
    )
    job = ReceiptMails(wiring.uow, mailer, "https://pages.example.tw/status")
    assert job.run(at).startswith("sent 1,")
    [mail] = mailer.sent
    assert mail.to == app.form.email and app.id in mail.subject and app.id in mail.body
    assert "大腸癌—採檢機構" in mail.body and "Colorectal cancer" in mail.body and "CRC-COL" not in mail.body
    assert "2026-12-05 11:56 臺北時間" in mail.body and "https://pages.example.tw/status" in mail.body
    assert job.run(at).startswith("sent 0,") and len(mailer.sent) == 1


def test_a_receipt_the_mail_server_refused_is_sent_on_the_next_run(wiring, mailer):
    app = use_cases.submit(wiring.uow(), form("A", "3502990012", "chen12345"), caller=None)
    job = ReceiptMails(wiring.uow, mailer, None)
    mailer.down = True
    assert job.run(datetime.now(UTC)).startswith("sent 0, failed 1")
    mailer.down = False
    assert job.run(datetime.now(UTC)).startswith("sent 1,")
    assert [m.to for m in mailer.sent] == [app.form.email]
