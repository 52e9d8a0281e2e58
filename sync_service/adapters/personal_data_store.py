"""Storage of personal-data requests, and what carrying one out does to the
service's records (decision 0095): one account's applications, scans and
outbox entries read for a copy, corrected, or stripped of the person on deletion."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from ..domain.personal_data import Letter, PersonalDataRequest, RequestStatus
from .crypto import PersonalDataCipher
from .tables import (
    access_review_items,
    applications,
    manager_seats,
    outbox,
    password_reminders,
    personal_data_requests,
    scans,
)


class PersonalDataRequestRepository:
    def __init__(self, conn: Connection, cipher: PersonalDataCipher) -> None:
        self.conn, self.cipher = conn, cipher

    def add(self, request: PersonalDataRequest) -> None:
        letter = request.letter
        stored = (
            {
                "letter_filename": letter.filename,
                "letter_content_type": letter.content_type,
                "letter_size": letter.size,
                "letter_ciphertext": self.cipher.encrypt_bytes(letter.content or b"", context=f"letter/{request.id}"),
            }
            if letter
            else {}
        )
        self.conn.execute(insert(personal_data_requests).values(id=request.id, **self._row(request), **stored))

    def letter(self, request_id: str) -> Letter | None:
        """The written request's letter, with its content decrypted."""
        t = personal_data_requests
        row = self.conn.execute(
            select(t.c.letter_filename, t.c.letter_content_type, t.c.letter_size, t.c.letter_ciphertext).where(
                t.c.id == request_id
            )
        ).first()
        if row is None or row.letter_ciphertext is None:
            return None
        content = self.cipher.decrypt_bytes(row.letter_ciphertext, context=f"letter/{request_id}")
        return Letter(row.letter_filename, row.letter_content_type, row.letter_size, content)

    def save(self, request: PersonalDataRequest) -> None:
        self.conn.execute(
            update(personal_data_requests).where(personal_data_requests.c.id == request.id).values(**self._row(request))
        )

    def get(self, request_id: str) -> PersonalDataRequest | None:
        row = self.conn.execute(select(personal_data_requests).where(personal_data_requests.c.id == request_id)).first()
        return self._request(row) if row else None

    def of_account(self, account: str) -> list[PersonalDataRequest]:
        rows = self.conn.execute(
            select(personal_data_requests)
            .where(personal_data_requests.c.account == account.lower())
            .order_by(personal_data_requests.c.filed_at.desc())
        )
        return [self._request(r) for r in rows]

    def queue(self, status: str | None = None, limit: int = 100) -> list[PersonalDataRequest]:
        """Nearest deadline first."""
        query = select(personal_data_requests)
        if status:
            query = query.where(personal_data_requests.c.status == status)
        deadline = func.coalesce(personal_data_requests.c.extended_to, personal_data_requests.c.due_on)
        rows = self.conn.execute(query.order_by(deadline, personal_data_requests.c.filed_at).limit(limit))
        return [self._request(r) for r in rows]

    def processing_stopped(self, account: str) -> bool:
        return (
            self.conn.execute(
                select(func.count())
                .select_from(personal_data_requests)
                .where(
                    personal_data_requests.c.account == account.lower(),
                    personal_data_requests.c.kind == "stop",
                    personal_data_requests.c.status == RequestStatus.APPROVED.value,
                )
            ).scalar_one()
            > 0
        )

    def pseudonymise(self, account: str, pseudonym: str) -> int:
        """A deleted person's requests stay on record (what was asked, when, who decided), under their pseudonym."""
        return self.conn.execute(
            update(personal_data_requests)
            .where(personal_data_requests.c.account == account.lower())
            .values(account=pseudonym, details_ciphertext=None, letter_ciphertext=None)
        ).rowcount

    def _row(self, r: PersonalDataRequest) -> dict:
        details = (
            self.cipher.encrypt(json.dumps(r.details, ensure_ascii=False), context=f"request/{r.id}")
            if r.details
            else None
        )
        return {
            "account": r.account,
            "kind": r.kind,
            "details_ciphertext": details,
            "status": r.status.value,
            "filed_at": r.filed_at,
            "due_on": r.due_on,
            "extended_to": r.extended_to,
            "extension_reason": r.extension_reason,
            "decided_by": r.decided_by,
            "decided_at": r.decided_at,
            "decision_reason": r.decision_reason,
            "channel": r.channel,
            "registered_by": r.registered_by,
            "received_on": r.received_on,
            "fee": r.fee,
        }

    def _request(self, row) -> PersonalDataRequest:
        details = (
            json.loads(self.cipher.decrypt(row.details_ciphertext, context=f"request/{row.id}"))
            if row.details_ciphertext
            else {}
        )
        return PersonalDataRequest(
            id=row.id,
            account=row.account,
            kind=row.kind,
            filed_at=row.filed_at,
            due_on=row.due_on,
            details=details,
            status=RequestStatus(row.status),
            extended_to=row.extended_to,
            extension_reason=row.extension_reason,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            decision_reason=row.decision_reason,
            channel=row.channel,
            registered_by=row.registered_by,
            received_on=row.received_on,
            fee=row.fee,
            letter=Letter(row.letter_filename, row.letter_content_type, row.letter_size or 0)
            if row.letter_filename
            else None,
        )


# Application columns that hold the person, and what replaces them on deletion.
_ERASED_APPLICATION = {
    "department": "",
    "applicant_name": "",
    "phone_e164": "",
    "phone_extension": None,
    "phone_national": "",
    "national_id_hash": "",
    "email": "",
    "reason": None,
    "vendor_notes": None,
    "originals_received_by": None,
}


class PersonalRecords:
    """One account's records in the service, by account name (case-insensitive)."""

    def __init__(self, conn: Connection, cipher: PersonalDataCipher) -> None:
        self.conn, self.cipher = conn, cipher

    def _of(self, account: str):
        return func.lower(applications.c.account) == account.lower()

    def application_ids(self, account: str) -> list[str]:
        return list(self.conn.execute(select(applications.c.id).where(self._of(account))).scalars())

    def emails(self, account: str) -> set[str]:
        return {
            e.lower() for e in self.conn.execute(select(applications.c.email).where(self._of(account))).scalars() if e
        }

    def holds_manager_seat(self, account: str) -> bool:
        return (
            self.conn.execute(
                select(func.count())
                .select_from(manager_seats)
                .where(func.lower(manager_seats.c.manager) == account.lower())
            ).scalar_one()
            > 0
        )

    def correct(self, account: str, field: str, value: str, *, applicant_name: str | None = None) -> int:
        """A correction carried into the person's applications (the forms they filed)."""
        if field == "email":
            values: dict[str, str | None] = {"email": value}
        elif field == "phone":
            from ..domain.fields import parse_phone

            phone = parse_phone(value)
            values = {"phone_e164": phone.e164, "phone_extension": phone.extension, "phone_national": phone.national}
        elif field == "department":
            values = {"department": value}
        elif applicant_name:
            values = {"applicant_name": applicant_name}
        else:
            return 0
        return self.conn.execute(update(applications).where(self._of(account)).values(**values)).rowcount

    def erase(self, account: str, pseudonym: str, account_id: str | None = None) -> dict[str, int]:
        """Deletion: the scans go, each application keeps only what the audit needs (its id,
        type, category, institution, states and dates), the person's name, contact, national ID
        and account name go (the account becomes its pseudonym); the password reminders sent
        go, and the access reviews that asked about the person name the pseudonym. Counts only."""
        self._erase_from_lifecycle(account, pseudonym, account_id)
        ids = self.application_ids(account)
        if not ids:
            return {"applications": 0, "scans": 0}
        removed_scans = self.conn.execute(delete(scans).where(scans.c.application_id.in_(ids))).rowcount
        for app_id in ids:  # the national ID: a ciphertext of nothing, still bound to its row
            self.conn.execute(
                update(applications)
                .where(applications.c.id == app_id)
                .values(
                    account=pseudonym,
                    national_id_ciphertext=self.cipher.encrypt("", context=app_id),
                    **_ERASED_APPLICATION,
                )
            )
        self.conn.execute(update(outbox).where(outbox.c.application_id.in_(ids)).values(account=pseudonym))
        return {"applications": len(ids), "scans": removed_scans}

    def _erase_from_lifecycle(self, account: str, pseudonym: str, account_id: str | None) -> None:
        named = func.lower(access_review_items.c.username) == account.lower()
        if account_id:
            named = named | (access_review_items.c.account_id == account_id)
            self.conn.execute(delete(password_reminders).where(password_reminders.c.account_id == account_id))
        self.conn.execute(update(access_review_items).where(named).values(username=pseudonym, account_id=pseudonym))

    # ---- retention (decision 0096) -----------------------------------------

    def remove_scans_decided_before(self, cutoff: datetime) -> int:
        closed = select(applications.c.id).where(applications.c.decided_at < cutoff)
        return self.conn.execute(delete(scans).where(scans.c.application_id.in_(closed))).rowcount

    def remove_applications_closed_before(self, cutoff: datetime) -> int:
        """Applications done with (provisioned, rejected, cancelled) and decided before `cutoff`,
        with their outbox entries and scans; one a manager seat still rests on stays."""
        seat_rests_on = select(manager_seats.c.application_id).where(manager_seats.c.application_id.is_not(None))
        ids = list(
            self.conn.execute(
                select(applications.c.id).where(
                    applications.c.decided_at < cutoff,
                    applications.c.status.in_(("provisioned", "rejected", "cancelled")),
                    applications.c.id.not_in(seat_rests_on),
                )
            ).scalars()
        )
        if not ids:
            return 0
        self.conn.execute(delete(scans).where(scans.c.application_id.in_(ids)))
        self.conn.execute(delete(outbox).where(outbox.c.application_id.in_(ids)))
        return self.conn.execute(delete(applications).where(applications.c.id.in_(ids))).rowcount

    def remove_requests_decided_before(self, cutoff: datetime) -> int:
        return self.conn.execute(
            delete(personal_data_requests).where(
                personal_data_requests.c.status != RequestStatus.OPEN.value,
                personal_data_requests.c.decided_at < cutoff,
            )
        ).rowcount
