"""The sync service's own pages (applicants and HPA reviewers), as people use them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Cookie, Page

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
SESSION_COOKIE = "session"  # Flask's name; the value is the server-side session's id (decision 0130)


class ServicePage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    def error_beside(self, field: str) -> str:
        return self.page.locator(f"#error-{field}").inner_text().strip()

    def value(self, field: str) -> str:
        return self.page.input_value(f"#{field}")

    def help_desk(self) -> dict:
        return {k: self.page.locator(f"#desk-{k}").inner_text().strip() for k in ("phone", "fax", "email")}

    def serious_accessibility_violations(self) -> list[dict]:
        """axe-core run in the page (evaluated through the debugging protocol: the
        page's CSP allows no script from elsewhere, and it is not served to anyone)."""
        self.page.evaluate(AXE.read_text())
        result = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def screenshot(self, path) -> None:
        self.page.screenshot(path=str(path), full_page=True)

    def sign_out(self) -> None:
        """The 登出 button: the page session ends, then the realm's session (RP-initiated
        logout, decision 0130); the realm sends the browser back to /signed-out."""
        self.page.click("#sign-out")
        self.page.wait_for_selector("#signed-out")

    def session_cookie(self) -> Cookie | None:
        """The pages' session cookie as the browser holds it (None when there is none)."""
        found = [c for c in self.page.context.cookies(self.base_url) if c["name"] == SESSION_COOKIE]
        return found[0] if found else None

    def answers(self, path: str) -> int:
        """The status a page answers this browser now (its cookies, no redirect followed):
        200 shown, 302 sent to sign in, 403 refused."""
        return self.page.request.get(f"{self.base_url}{path}", max_redirects=0).status


class ApplyPage(ServicePage):
    """Form 1 (帳號/權限異動表)."""

    def open(self, type_: str = "A") -> None:
        self.page.goto(f"{self.base_url}/apply?type={type_}")

    def fill(self, values: dict) -> None:
        for name, value in values.items():
            if name == "type":
                self.page.check(f"#type-{value}")
            elif name == "category":
                self.page.select_option("#category", value)
            elif self.page.locator(f"#{name}").get_attribute("readonly") is None:
                self.page.fill(f"#{name}", value)

    def type_and_leave(self, field: str, value: str) -> None:
        """Type into a field and move on, as a person does; wait for the rules' answer."""
        checked = self.page.get_attribute("#form-1", "data-checked") or "0"
        self.page.fill(f"#{field}", value)
        self.page.locator(f"#{field}").blur()
        self.page.wait_for_function(f"() => (document.getElementById('form-1').dataset.checked || '0') !== '{checked}'")

    def captcha_challenge(self) -> str:
        return self.page.get_attribute('input[name="challenge"]', "value")

    def answer_captcha(self, answer: str) -> None:
        self.page.fill("#captcha", answer)

    def documents_listed(self) -> list[str]:
        return [
            item.get_attribute("data-document")
            for item in self.page.locator("#documents li[data-document]").all()
            if item.is_visible()
        ]

    def send(self) -> None:
        self.page.click("#submit")
        self.page.wait_for_load_state()


class ApplicationPage(ServicePage):
    """What the applicant sees of an application: reference, status, forms, scans."""

    def reference(self) -> str:
        return self.page.locator("#app-reference").inner_text().strip()

    def status(self) -> str:
        return self.page.locator("#app-status").inner_text().strip()

    def rejection_reason(self) -> str:
        return self.page.locator("#rejection-reason").inner_text().strip()

    def download_form(self, document: str, folder: Path) -> Path:
        with self.page.expect_download() as download:
            self.page.click(f'#printable-forms a[href$="/{document}.pdf"]')
        target = folder / f"{document}.pdf"
        download.value.save_as(target)
        return target

    def upload_scan(self, document: str, path: Path) -> None:
        self.page.select_option("#scan-document", document)
        self.page.set_input_files("#scan-file", str(path))
        self.page.click("#upload")
        self.page.wait_for_load_state()

    def scans(self) -> list[str]:
        return self.page.locator("#scans li").all_inner_texts() if self.page.locator("#scans").count() else []


class StatusPage(ServicePage):
    def open(self) -> None:
        self.page.goto(f"{self.base_url}/status")

    def look_up(self, reference: str, email: str) -> None:
        self.page.fill("#reference", reference)
        self.page.fill("#email", email)
        self.page.click("#look-up")
        self.page.wait_for_load_state()


class ReviewQueuePage(ServicePage):
    def open(self, **filters) -> None:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        self.page.goto(f"{self.base_url}/review/?{query}")

    def references(self) -> list[str]:
        return [r.get_attribute("data-reference") for r in self.page.locator("#queue tbody tr").all()]

    def count(self, status: str) -> int:
        return int(self.page.locator(f'#counts a[data-status="{status}"] strong').inner_text())

    def short_notice_flag(self, reference: str) -> str:
        """The short-notice flag on the queue's row of one application ('' when none; R-MGR-6)."""
        flag = self.page.locator(f'#queue tr[data-reference="{reference}"] .late-notice')
        return flag.inner_text().strip() if flag.count() else ""

    def open_reference(self, typed: str) -> None:
        """Type the reference printed under the form's QR code (or let the phone camera open the QR link)."""
        self.page.fill("#find-reference", typed)
        self.page.click("#find")
        self.page.wait_for_load_state()


class ReviewApplicationPage(ServicePage):
    def open(self, reference: str) -> None:
        self.page.goto(f"{self.base_url}/review/{reference}")

    def status(self) -> str:
        return self.page.locator("#app-status").inner_text().strip()

    def shown_national_id(self) -> str:
        return self.page.locator("#national-id").inner_text().strip()

    def record_originals(self, received_on: str, letter_number: str, documents: list[str] | None = None) -> None:
        """One letter: its number and date, and a tick for each original it held (every one
        still missing unless `documents` names them; the boxes start unticked, R-DOC-4)."""
        self.page.fill("#received_on", received_on)
        self.page.fill("#letter_number", letter_number)
        boxes = self.page.locator('#originals-form input[name="documents"]')
        for box in boxes.all():
            if documents is None or box.get_attribute("value") in documents:
                box.check()
        self.page.click("#record-originals")
        self.page.wait_for_load_state()

    def originals_boxes_ticked(self) -> list[str]:
        return [
            b.get_attribute("value") for b in self.page.locator('#originals-form input[name="documents"]:checked').all()
        ]

    def documents(self) -> dict[str, dict]:
        """Each required document as the file shows it: declared by the applicant, received on paper."""
        return {
            row.get_attribute("data-document"): {
                "declared": row.locator(".declared").inner_text().strip(),
                "received": row.locator(".received").inner_text().strip(),
                "is_received": row.get_attribute("data-received") == "yes",
            }
            for row in self.page.locator("#documents tbody tr").all()
        }

    def originals_finding(self) -> str:
        found = self.page.locator("#originals-missing, #originals-complete")
        return found.inner_text().strip()

    def approve(self, replacing: bool = False) -> None:
        if replacing:
            self.page.check("#replacing")
        self.page.click("#approve")
        self.page.wait_for_load_state()

    def reject(self, reason: str) -> None:
        self.page.fill("#reason", reason)
        self.page.click("#reject")
        self.page.wait_for_load_state()

    def record_vendor(self, name: str, processed_on: str, notes: str = "") -> None:
        self.page.fill("#vendor_name", name)
        self.page.fill("#processed_on", processed_on)
        self.page.fill("#notes", notes)
        self.page.click("#record-vendor")
        self.page.wait_for_load_state()

    def short_notice_finding(self) -> str:
        """The rule finding that a B gives less notice than the policy asks ('' when none; R-MGR-6)."""
        finding = self.page.locator("#late-notice")
        return finding.inner_text().strip() if finding.count() else ""

    def effective_date(self) -> str:
        return self.page.locator("#effective-date").get_attribute("data-date") or ""

    def effective_date_text(self) -> str:
        return self.page.locator("#effective-date").inner_text().strip()

    def filed_for(self) -> str:
        found = self.page.locator("#filed-for")
        return found.inner_text().strip() if found.count() else ""

    def decision_error(self) -> str:
        return self.page.locator("#decision-error").inner_text().strip()

    def audit_actions(self) -> list[str]:
        return [re.sub(r"\s+", " ", t) for t in self.page.locator("#audit tbody tr").all_inner_texts()]

    def provisioning(self) -> str:
        return self.page.locator("#provisioning").inner_text()


class FileLetterPage(ApplyPage):
    """A reviewer files a B or D from an institution's letter (R-MGR-6)."""

    def open(self, type_: str = "B") -> None:
        self.page.goto(f"{self.base_url}/review/file-letter")

    def send(self) -> None:
        self.page.click("#file-letter")
        self.page.wait_for_load_state()


class MyDataPage(ServicePage):
    """A person's own data and their personal-data requests (R-PD-2)."""

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/my-data")

    def profile(self) -> dict:
        return {
            item.get_attribute("data-item"): item.inner_text().strip()
            for item in self.page.locator("#profile dd").all()
        }

    def application_references(self) -> list[str]:
        return [r.get_attribute("data-reference") for r in self.page.locator("#applications tbody tr").all()]

    def ask(
        self,
        kind: str,
        *,
        field: str | None = None,
        value: str | None = None,
        reason: str | None = None,
        by_keyboard: bool = False,
    ) -> None:
        if by_keyboard:  # as a person without a mouse: focus the choice, space to pick it, Enter to send
            self.page.focus(f"#kind-{kind}")
            self.page.keyboard.press("Space")
        else:
            self.page.check(f"#kind-{kind}")
        if field:
            self.page.select_option("#field", field)
        if value is not None:
            self.page.fill("#value", value)
        if reason is not None:
            self.page.fill("#reason", reason)
        if by_keyboard:
            self.page.focus("#send-request")
            self.page.keyboard.press("Enter")
        else:
            self.page.click("#send-request")
        self.page.wait_for_load_state()

    def confirmation(self) -> str:
        return self.page.locator("#request-sent").inner_text().strip()

    def requests(self) -> list[dict]:
        return [
            {"kind": r.get_attribute("data-kind"), "status": r.get_attribute("data-status"), "text": r.inner_text()}
            for r in self.page.locator("#my-requests tbody tr").all()
        ]

    def deletion_notice(self) -> str:
        return self.page.locator("#kept-after-deletion").inner_text().strip()

    def download_copy(self, folder: Path) -> Path:
        with self.page.expect_download() as download:
            self.page.click("#download-copy")
        target = folder / "personal-data.json"
        download.value.save_as(target)
        return target


class ReviewPersonalDataPage(ServicePage):
    """The reviewers' queue of personal-data requests and one request's decision."""

    def open_queue(self) -> None:
        self.page.goto(f"{self.base_url}/review/personal-data")

    def queued(self) -> list[dict]:
        return [
            {
                "id": r.get_attribute("data-request"),
                "account": r.get_attribute("data-account"),
                "kind": r.get_attribute("data-kind"),
            }
            for r in self.page.locator("#pd-queue tbody tr").all()
        ]

    def open_request_of(self, account: str, kind: str) -> None:
        self.page.click(f'#pd-queue tr[data-account="{account}"][data-kind="{kind}"] a')
        self.page.wait_for_load_state()

    def status(self) -> str:
        """The request's state (its key; the page shows it in words)."""
        return self.page.locator("#pd-status").get_attribute("data-status")

    def approve(self) -> None:
        self.page.click("#pd-approve")
        self.page.wait_for_load_state()

    def reject(self, reason: str) -> None:
        self.page.fill("#decision_reason", reason)
        self.page.click("#pd-reject")
        self.page.wait_for_load_state()

    def extend(self, reason: str) -> None:
        self.page.fill("#extension_reason", reason)
        self.page.click("#pd-extend")
        self.page.wait_for_load_state()

    def deadline(self) -> str:
        return self.page.locator("#pd-deadline").inner_text().strip()


class WrittenRequestPage(ServicePage):
    """The vendor registers a personal-data request received by letter (R-PD-2, R-VEN-1)."""

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/review/personal-data/written")

    def register(self, kind: str, *, letter: Path, national_id: str, received_on: str, **fields: str) -> None:
        self.page.check(f"#kind-{kind}")
        self.page.fill("#national_id", national_id)
        self.page.fill("#received_on", received_on)
        self.page.set_input_files("#letter", str(letter))
        for name, value in fields.items():
            if name == "field":
                self.page.select_option("#field", value)
            else:
                self.page.fill(f"#{name}", value)
        self.page.click("#register-request")
        self.page.wait_for_load_state()

    def fact(self, name: str) -> str:
        return self.page.locator(f"#pd-{name}").inner_text().strip()

    def download_copy(self, folder: Path) -> Path:
        with self.page.expect_download() as download:
            self.page.click("#pd-written-copy")
        target = folder / "written-copy.json"
        download.value.save_as(target)
        return target


class SuspensionsPage(ServicePage):
    """停權 (R-SUS-1): suspend an institution or a person, lift a suspension."""

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/review/suspensions/")

    def suspend_institution(self, code: str, reason: str, reference: str) -> None:
        self._suspend("institution", "#institution_code", code, reason, reference)

    def suspend_person(self, account: str, reason: str, reference: str) -> None:
        self._suspend("person", "#account", account, reason, reference)

    def _suspend(self, scope: str, field: str, value: str, reason: str, reference: str) -> None:
        self.page.check(f"#scope-{scope}")
        self.page.fill(field, value)
        self.page.fill("#reason", reason)
        self.page.fill("#reference", reference)
        self.page.click("#suspend")
        self.page.wait_for_load_state()

    def row(self, target: str):
        return self.page.locator(f'#suspensions tr[data-target="{target}"]').first

    def lift(self, target: str, reason: str) -> None:
        row = self.row(target)
        row.locator('input[name="lift_reason"]').fill(reason)
        row.locator("button.lift").click()
        self.page.wait_for_load_state()

    def done(self) -> str:
        return self.page.locator("#done").inner_text().strip()


def claims(page: Page) -> dict:
    return json.loads(page.locator("#claims").inner_text())


class AuditExportPage(ServicePage):
    """稽核紀錄匯出: a reviewer pulls one institution's record for a date range."""

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/review/audit-export/")

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def ask(self, institution: str, start: str, end: str, kind: str | None = None, reference: str = "") -> None:
        """kind: "periodic" or "unannounced" (the vendor's audit, R-AUD-2), or None to leave it."""
        self.page.fill("#institution", institution)
        self.page.fill("#from", start)
        self.page.fill("#to", end)
        if kind:
            self.page.check(f"#kind-{kind}")
        if reference:
            self.page.fill("#reference", reference)

    def download(self, kind: str, folder: Path) -> Path:
        """kind: "csv", "accounts" or "bundle"; the file as the browser saved it."""
        with self.page.expect_download() as download:
            self.page.click(f"#export-{kind}")
        target = folder / download.value.suggested_filename
        download.value.save_as(target)
        return target

    def send_expecting_errors(self, kind: str = "csv") -> None:
        self.page.click(f"#export-{kind}")
        self.page.wait_for_selector(".field.invalid")


class AccessReviewPage(ServicePage):
    """A manager's access reviews: tick the users who still work there, send."""

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/access-reviews")

    def form(self, institution: str, category: str):
        return self.page.locator(f"#review-{institution}-{category}")

    def users_listed(self, institution: str, category: str) -> list[str]:
        return [label.inner_text().split()[0] for label in self.form(institution, category).locator("label").all()]

    def confirm_by_keyboard(self, institution: str, category: str, usernames: list[str]) -> None:
        """Tab to each user's box, Space to tick it, then Enter on the send button: no mouse."""
        for name in usernames:
            self.page.focus(f"#confirm-{name}")
            self.page.keyboard.press("Space")
        self.form(institution, category).locator("button.send-answer").focus()
        self.page.keyboard.press("Enter")
        self.page.wait_for_selector("#answered")

    def ticked(self, institution: str, category: str) -> list[str]:
        boxes = self.form(institution, category).locator("input[name=confirmed]:checked").all()
        return sorted(b.get_attribute("id").removeprefix("confirm-") for b in boxes)

    def deadline(self, institution: str, category: str) -> str:
        return self.form(institution, category).locator(".deadline").inner_text().strip()


class AccessReviewOverviewPage(ServicePage):
    """HPA's view of the round: which institutions have not answered."""

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/review/access-reviews")

    def answered(self, institution: str, category: str) -> bool | None:
        row = self.page.locator(f'#access-reviews tr[data-institution="{institution}"][data-category="{category}"]')
        if row.count() == 0:
            return None
        return row.get_attribute("data-answered") == "yes"


class ManagersPage(ServicePage):
    """The managers' page (decision 0127): the people of each pair they manage, ending a grant,
    adding an existing account."""

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/manage")

    def people(self, institution: str, category: str) -> dict[str, str]:
        """Account -> what its row says (name, e-mail, flags, a pending end date)."""
        rows = self.page.locator(f"#pair-{institution}-{category} tr[data-account]").all()
        return {r.get_attribute("data-account"): " ".join(r.inner_text().split()) for r in rows}

    def notice(self) -> str:
        return self.page.locator("#done").inner_text().strip()

    def end(self, institution: str, category: str, account: str, on: str | None = None) -> None:
        row = self.page.locator(f"#pair-{institution}-{category} tr[data-account='{account}']")
        if on:
            row.locator("input[name=when][value=date]").check()
            row.locator("input[name=on]").fill(on)
        row.locator("button.end").click()
        self.page.wait_for_load_state()

    def find(self, account: str, national_id: str, pair: str | None = None) -> None:
        if pair:
            self.page.select_option("#pair", pair)
        self.page.fill("#account", account)
        self.page.fill("#national_id", national_id)
        self.page.click("#check")
        self.page.wait_for_load_state()

    def found(self) -> str:
        return self.page.locator("#found").inner_text().strip() if self.page.locator("#found").count() else ""

    def download_consent(self, folder: Path) -> Path:
        with self.page.expect_download() as download:
            self.page.click("#consent-pdf")
        target = folder / "confidentiality-consent.pdf"
        download.value.save_as(target)
        return target

    def confirm(self, signed_on: str, kept_on_file: bool = True) -> None:
        self.page.fill("#consent_signed_on", signed_on)
        if kept_on_file:
            self.page.check("#kept_on_file")
        self.page.click("#add")
        self.page.wait_for_load_state()
