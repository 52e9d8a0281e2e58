"""The sync service's pages and mails, read as a person reads them (issue 21 points 1, 3, 4, 9):
the applicant's form, application and scan (one just under the documented size uploads), the
reviewer's queue and the application's file with its provisioning and audit trail, a person's
/my-data, and the mails the service sends. A page fails on raw keys, ids that are not names
(category codes, document ids, event names), Python reprs, epoch numbers, times in UTC or
unlabelled, and English outside the English beside it (tests/pages/words.py). The pages are
zh-Hant with English beside in one page, so one walk reads both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest

import policies
from stack.mailsink import body_text
from sync_service.adapters.keycloak_groups import describe_institution, ensure_grant_group, grant_group_path
from sync_service.domain.reminders import review_round
from sync_service.services import applications as use_cases
from sync_service.services import personal_data
from sync_service.services.ports import Caller
from sync_service.services.reminders import AccountRead
from sync_service.services.scans import MAX_SCAN_BYTES
from tests.integration.admin_console.world import OWN_CAT
from tests.pages.sync_pages import ReviewApplicationPage, ReviewQueuePage, SuspensionsPage
from tests.pages.words import Reader
from tests.support.sync import TW, form, new_account_name

from .test_applicant_to_approval import file_type_a
from .test_review_decisions import wait_provisioned
from .test_scans import _scan_of

pytestmark = pytest.mark.browser


def _taipei_now_shown(text: str) -> bool:
    """Something made in the last minutes shows at Taipei's hour (UTC would be 8 hours off)."""
    now = datetime.now(TW)
    return any((now - timedelta(minutes=m)).strftime("%Y-%m-%d %H:") in text for m in (0, 5))


def test_the_service_pages_read_as_words(
    service, apply_page, application_page, page, base_url, reviewer, sign_in, mail, institution, make_user,
    grant, tmp_path, screenshots_dir
):  # fmt: skip
    """Covers: R-DOC-4, R-AUD-1, R-PD-2"""
    read = Reader("zh-Hant", screenshots_dir, "4-service-pages")
    account = new_account_name("w")
    read.allow(account, institution, reviewer["username"], "signed-form.pdf")

    apply_page.open("A")
    read.page(page, "apply", bilingual_page=True)
    values = file_type_a(apply_page, service, institution, account)
    reference = application_page.reference()
    read.allow(reference, values["email"])
    read.page(page, "application-sent", bilingual_page=True)
    # The receipt (issue 21 point 5): the reference, by mail, soon after (the worker's job).
    service.schedule().run_one("application-receipts")
    [receipt] = mail.wait_for(values["email"], count=1)
    text = read.mail(page, receipt, "mail-receipt")
    assert reference in receipt["Subject"] and reference in text and _taipei_now_shown(text)
    application_page.upload_scan("form-1", _scan_of(tmp_path / "signed-form.pdf", MAX_SCAN_BYTES - 1024))
    assert [s for s in application_page.scans() if "signed-form.pdf" in s], "a scan under the documented size"
    read.page(page, "application-with-scan", bilingual_page=True)

    sign_in(reviewer, "/review/")
    queue = ReviewQueuePage(page, base_url)
    assert reference in queue.references()
    text = read.page(page, "review-queue", bilingual_page=True)
    assert _taipei_now_shown(text), "the queue's times in Taipei"
    review = ReviewApplicationPage(page, base_url)
    review.open(reference)
    read.page(page, "review-file", bilingual_page=True)
    review.record_originals(datetime.now(TW).date().isoformat(), "國健癌字第1140000123號")
    read.page(page, "review-file-originals", bilingual_page=True)
    review.approve()
    wait_provisioned(service, reference)
    review.open(reference)
    text = read.page(page, "review-file-provisioned", bilingual_page=True)
    assert _taipei_now_shown(text), "the audit trail's times in Taipei"
    password_mail = mail.wait_for(values["email"], count=2, timeout=60)[-1]
    read.mail(page, password_mail, "mail-new-manager")

    # A person's own data: profile attributes Keycloak keeps as epoch numbers, a grant, an
    # application, a request.
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    person = make_user(**{"screening.passwordSetByOther": str(now_ms)})
    grant(person, institution, "CRC-COL")
    read.allow(person["username"], person["email"])
    caller = Caller(subject=person["id"], username=person["username"])
    use_cases.submit(service.uow(), form("C", institution, person["username"]), caller=caller)
    personal_data.file_request(service.uow(), caller, {"kind": "copy"})
    sign_in(person, "/my-data")
    text = read.page(page, "my-data", bilingual_page=True)
    read.assert_clean()
    set_by_other = page.locator('dd[data-item="screening.passwordSetByOther"]').inner_text()
    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} 臺北時間", set_by_other), "a time, not epoch milliseconds"
    assert _taipei_now_shown(text)


@dataclass
class TheWalksPeople(AccountRead):
    """The periodic jobs' one read of the realm, narrowed to the walk's people: the jobs run as the
    worker runs them (their own code, real SMTP), without mailing every other test's managers."""

    ids: frozenset[str] = frozenset()

    def at(self, now: datetime) -> list:
        return [a for a in super().at(now) if a.id in self.ids]


def _job(service, name: str, people: list[dict]):
    [job] = [j for j in service.scheduled_jobs() if j.name == name]
    return replace(job, accounts=TheWalksPeople(service.directory_factory, ids=frozenset(p["id"] for p in people)))


def _mailed(mail, to: str, trigger) -> EmailMessage:
    """The mail `trigger` sends to `to` (counted before, as it may arrive before we look)."""
    before = len(mail.messages(to))
    trigger()
    return mail.wait_for(to, count=before + 1)[-1]


def test_the_reviewers_vendors_and_managers_pages_and_every_job_mail_read_as_words(
    service, page, base_url, reviewer, vendor, sign_in, mail, institution, make_user, admin, screenshots_dir
):  # fmt: skip
    """The pages behind the reviewer's, the vendor's and the manager's doors (access reviews, the
    managers' page, personal-data requests and the written one, a B filed from a letter, the audit
    export, suspensions, the page that refuses) and every mail the worker's jobs send (access review
    and its reminder, the password falling due, suspension and its lifting, the audit checkpoint).

    Covers: R-USR-2, R-PWD-2, R-SUS-1, R-AUD-1"""
    read = Reader("zh-Hant", screenshots_dir, "5-service-doors")
    name = "宜蘭縣大同鄉衛生所"
    read.institution(institution, name)
    for level in ("manager", "user"):
        ensure_grant_group(admin, institution, OWN_CAT, level)
    describe_institution(admin, institution, name)  # as the worker names it when it grants a manager
    manager = make_user(groups=[grant_group_path(institution, OWN_CAT, "manager")])
    staff = make_user(groups=[grant_group_path(institution, OWN_CAT, "user")])
    people = (manager, staff, reviewer, vendor)
    read.allow(*(p["username"] for p in people), *(p["email"] for p in people))

    # The quarter's access review and its reminder, in a round of the walk's own (2034).
    rules = policies.reminders()
    opening = datetime(2034, 7, 1, 2, tzinfo=UTC)
    rnd = review_round(opening, rules.review_every_months, rules.review_answer_days, rules.review_reminder_days_before)
    reviews = _job(service, "access-reviews", [manager, staff])
    to = manager["email"]
    read.mail(page, _mailed(mail, to, lambda: reviews.run(opening)), "mail-access-review")
    reminding = rnd.remind_at + timedelta(minutes=1)
    read.mail(page, _mailed(mail, to, lambda: reviews.run(reminding)), "mail-access-review-reminder")
    # The password falling due (R-PWD-2).
    [password] = [c for c in admin.get_credentials(manager["id"]) if c["type"] == "password"]
    set_at = datetime.fromtimestamp(password["createdDate"] / 1000, UTC)
    due = set_at + timedelta(days=policies.load().password.change_every_days)
    reminders = _job(service, "password-reminders", [manager])
    reminding = due - timedelta(days=rules.password_days_before, minutes=-1)
    read.mail(page, _mailed(mail, to, lambda: reminders.run(reminding)), "mail-password-due")

    # The manager's doors, and the page the service shows a person it refuses.
    sign_in(manager, "/access-reviews")
    read.page(page, "access-reviews", bilingual_page=True)
    page.goto(f"{base_url}/manage")
    read.page(page, "manage", bilingual_page=True)
    refused = page.goto(f"{base_url}/review/")
    assert refused.status == 403
    read.page(page, "refused", bilingual_page=True)

    # The reviewer's doors.
    personal_data.file_request(service.uow(), Caller(subject=staff["id"], username=staff["username"]), {"kind": "copy"})
    sign_in(reviewer, "/review/access-reviews")
    # Every institution of the round, one row each, for HPA's staff, who read codes (decision 0150);
    # a name for each would be a Keycloak look-up per row (left, said in the walk's report).
    read.page(page, "review-access-reviews", bilingual_page=True, codes_listed="every institution of a round")
    for path, screen in (
        ("/review/personal-data", "review-personal-data"),
        ("/review/file-letter", "review-file-letter"),
        ("/review/audit-export/", "review-audit-export"),
    ):
        page.goto(f"{base_url}{path}")
        read.page(page, screen, bilingual_page=True)

    # The vendor registers a written request, and suspends the institution.
    sign_in(vendor, "/review/personal-data")
    page.click("#register-written")
    read.page(page, "review-written-request", bilingual_page=True)
    page.goto(f"{base_url}/review/suspensions/")
    suspensions = SuspensionsPage(page, base_url)
    suspended = _mailed(
        mail, to, lambda: suspensions.suspend_institution(institution, "違反切結書第三點", "資字第115001號")
    )
    assert suspensions.row(institution).get_attribute("data-active") == "yes"
    read.page(page, "review-suspended", bilingual_page=True)
    read.mail(page, suspended, "mail-suspended")
    sign_in(reviewer, "/review/suspensions/")
    lifted = _mailed(mail, to, lambda: SuspensionsPage(page, base_url).lift(institution, "已改善並函復"))
    read.page(page, "review-suspension-lifted", bilingual_page=True)
    read.mail(page, lifted, "mail-suspension-lifted")

    # The audit chain's checkpoint to the agency's auditors (the chain grew: a period of its own).
    [checkpoints] = [j for j in service.scheduled_jobs() if j.name == "audit-checkpoint"]
    later = datetime.now(UTC) + checkpoints.every
    checkpoint = _mailed(mail, checkpoints.mail_to, lambda: checkpoints.run(later))
    # The command to run and the line it reads back are for the verifying program, as they must be.
    [line] = re.findall(r"^audit-checkpoint seq=.*$", body_text(checkpoint), re.M)
    read.allow(line, "python -m sync_service audit verify")
    read.mail(page, checkpoint, "mail-audit-checkpoint")
    read.assert_clean()
