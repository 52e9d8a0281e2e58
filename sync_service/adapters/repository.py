"""Repositories over one SQLAlchemy connection (one transaction): applications,
manager seats, the outbox. Rows are mapped to domain objects by hand."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

import policies

from ..domain import Application, ApplicationType, Form1, Institution, ManagerSeat, Receipt, Status, VendorRecord
from ..domain.fields import IdKind, PersonalId, Phone
from ..domain.grants import ChangeKind, GrantChange
from ..services.ports import ConcurrentDecision, ImportedRowState, LeaseLost, MailDue, OutboxEntry, Scan
from .crypto import PersonalDataCipher
from .tables import applications, legacy_import_rows, manager_seats, outbox, receipt_mails, scans, suspensions


class ApplicationRepository:
    def __init__(self, conn: Connection, cipher: PersonalDataCipher) -> None:
        self.conn, self.cipher = conn, cipher
        self.seen: dict[str, Application] = {}

    def add(self, app: Application) -> None:
        self.conn.execute(insert(applications).values(**self._row(app)))
        self.seen[app.id] = app

    def save(self, app: Application) -> None:
        row = self._row(app)
        row.pop("id")
        self.conn.execute(update(applications).where(applications.c.id == app.id).values(**row))
        self.seen[app.id] = app

    def get(self, application_id: str) -> Application | None:
        if application_id in self.seen:
            return self.seen[application_id]
        row = self.conn.execute(select(applications).where(applications.c.id == application_id)).first()
        if row is None:
            return None
        app = self._application(row)
        self.seen[app.id] = app
        return app

    def list(
        self,
        *,
        status: str | None = None,
        type: str | None = None,
        institution_code: str | None = None,
        category: str | None = None,
        account: str | None = None,
        national_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[Application]:
        query = select(applications)
        for column, value in (
            (applications.c.status, status),
            (applications.c.type, type),
            (applications.c.institution_code, institution_code),
            (applications.c.category, category),
            (applications.c.account, account),
        ):
            if value is not None:
                query = query.where(column == value)
        if national_id is not None:
            query = query.where(applications.c.national_id_hash.in_(self.cipher.lookup_hashes(national_id)))
        query = query.order_by(applications.c.submitted_at.desc(), applications.c.id).limit(limit).offset(offset)
        return [self._application(r) for r in self.conn.execute(query)]

    def queue(
        self,
        *,
        statuses: Sequence[str] | None = None,
        type: str | None = None,
        institution_code: str | None = None,
        category: str | None = None,
        limit: int = 50,
        offset: int = 0,
        newest_first: bool = False,
    ) -> tuple[builtins.list[Application], int]:
        """The reviewers' queue, oldest (or newest) first, and how many match in all."""
        where = [
            column == value
            for column, value in (
                (applications.c.type, type),
                (applications.c.institution_code, institution_code),
                (applications.c.category, category),
            )
            if value is not None
        ]
        if statuses is not None:
            where.append(applications.c.status.in_(list(statuses)))
        total = self.conn.execute(select(func.count()).select_from(applications).where(*where)).scalar_one()
        order = (
            (applications.c.submitted_at.desc(), applications.c.id.desc())
            if newest_first
            else (applications.c.submitted_at, applications.c.id)
        )
        query = select(applications).where(*where).order_by(*order).limit(limit).offset(offset)
        return [self._application(r) for r in self.conn.execute(query)], total

    def counts_by_status(
        self, *, type: str | None = None, institution_code: str | None = None, category: str | None = None
    ) -> dict[str, int]:
        where = [
            column == value
            for column, value in (
                (applications.c.type, type),
                (applications.c.institution_code, institution_code),
                (applications.c.category, category),
            )
            if value is not None
        ]
        rows = self.conn.execute(
            select(applications.c.status, func.count()).where(*where).group_by(applications.c.status)
        )
        return dict(rows.all())

    def awaiting_receipt(self, limit: int) -> builtins.list[Application]:
        mailed = exists().where(receipt_mails.c.application_id == applications.c.id)
        query = (
            select(applications)
            .where(applications.c.submitted_at.is_not(None), ~mailed)
            .order_by(applications.c.submitted_at, applications.c.id)
            .limit(limit)
        )
        return [self._application(r) for r in self.conn.execute(query)]

    def receipt_mailed(self, application_id: str, at: datetime) -> None:
        self.conn.execute(insert(receipt_mails).values(application_id=application_id, sent_at=at))

    def open_like(self, app: Application) -> builtins.list[Application]:
        """Applications still open (not decided, or decided and not yet through)
        for the same account, or for the same person, institution and category."""
        open_statuses = [s.value for s in (Status.SUBMITTED, Status.ORIGINALS_RECEIVED, Status.APPROVED, Status.FAILED)]
        same = or_(
            func.lower(applications.c.account) == app.account.lower(),
            and_(
                applications.c.national_id_hash == self.cipher.lookup_hash(app.form.national_id.value),
                applications.c.institution_code == app.institution.code,
                applications.c.category == app.category,
            ),
        )
        query = (
            select(applications)
            .where(applications.c.status.in_(open_statuses), same)
            .order_by(applications.c.submitted_at, applications.c.id)
            .limit(50)
        )
        return [self._application(r) for r in self.conn.execute(query)]

    # ---- mapping --------------------------------------------------------

    def _row(self, app: Application) -> dict:
        f, v = app.form, app.vendor_record
        return {
            "id": app.id,
            "type": app.type.value,
            "category": app.category,
            "institution_code": app.institution.code,
            "institution_name": app.institution.name,
            "department": f.department,
            "applicant_name": f.applicant_name,
            "account": f.account,
            "phone_e164": f.phone.e164,
            "phone_extension": f.phone.extension,
            "phone_national": f.phone.national,
            "national_id_ciphertext": self.cipher.encrypt(f.national_id.value, context=app.id),
            "national_id_hash": self.cipher.lookup_hash(f.national_id.value),
            "national_id_kind": f.national_id.kind.value,
            "email": f.email,
            "application_date": f.application_date,
            "reason": f.reason,
            "effective_date": f.effective_date,
            "status": app.status.value,
            "documents": sorted(app.declared_documents),
            "receipts": [
                {
                    "document": r.document,
                    "letter_number": r.letter_number,
                    "received_on": r.received_on.isoformat(),
                    "by": r.by,
                    "at": r.at.isoformat(),
                }
                for r in sorted(app.receipts.values(), key=lambda r: (r.at, r.document))
            ],
            "vendor_name": v.name if v else None,
            "vendor_processed_on": v.processed_on if v else None,
            "vendor_notes": v.notes if v else None,
            "submitted_at": app.submitted_at,
            "filed_by": app.filed_by,
            "filed_for": app.filed_for,
            "originals_received_by": app.originals_received_by,
            "originals_received_at": app.originals_received_at,
            "decided_by": app.decided_by,
            "decided_at": app.decided_at,
            "replacing": app.replacing,
            "rejection_reason": app.rejection_reason,
            "failure_reason": app.failure_reason,
            "provisioned_at": app.provisioned_at,
        }

    def _application(self, r) -> Application:
        form = Form1(
            department=r.department,
            applicant_name=r.applicant_name,
            account=r.account,
            phone=Phone(r.phone_e164, r.phone_extension, r.phone_national),
            national_id=PersonalId(
                self.cipher.decrypt(r.national_id_ciphertext, context=r.id), IdKind(r.national_id_kind)
            ),
            email=r.email,
            application_date=r.application_date,
            reason=r.reason,
            effective_date=r.effective_date,
        )
        vendor = VendorRecord(r.vendor_name, r.vendor_processed_on, r.vendor_notes or "") if r.vendor_name else None
        return Application(
            id=r.id,
            type=ApplicationType(r.type),
            institution=Institution(r.institution_code, r.institution_name),
            category=r.category,
            form=form,
            catalogue=policies.load(),
            status=Status(r.status),
            declared_documents=r.documents,
            receipts=[
                Receipt(
                    d["document"],
                    d["letter_number"],
                    date.fromisoformat(d["received_on"]),
                    d["by"],
                    datetime.fromisoformat(d["at"]),
                )
                for d in (r.receipts or [])
            ],
            vendor_record=vendor,
            submitted_at=r.submitted_at,
            filed_by=r.filed_by,
            filed_for=r.filed_for,
            originals_received_by=r.originals_received_by,
            originals_received_at=r.originals_received_at,
            decided_by=r.decided_by,
            decided_at=r.decided_at,
            replacing=r.replacing,
            rejection_reason=r.rejection_reason,
            failure_reason=r.failure_reason,
            provisioned_at=r.provisioned_at,
        )


class SeatRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, institution_code: str, category: str) -> ManagerSeat:
        row = self.conn.execute(
            select(manager_seats).where(
                manager_seats.c.institution_code == institution_code, manager_seats.c.category == category
            )
        ).first()
        if row is None:
            return ManagerSeat(institution_code, category)
        return _seat(row)

    def held(self) -> list[ManagerSeat]:
        """Every seat that has (or had, until its leaving date) a manager."""
        rows = self.conn.execute(select(manager_seats).where(manager_seats.c.manager.is_not(None)))
        return [_seat(r) for r in rows]

    def save(self, seat: ManagerSeat, *, loaded_version: int, application_id: str | None) -> None:
        """Store a decision taken on the copy loaded at `loaded_version`; refuse
        it if someone else decided on the same seat meanwhile."""
        values = {
            "manager": seat.manager,
            "leaving_on": seat.leaving_on,
            "starting_on": seat.starting_on,
            "previous": seat.previous,
            "previous_leaving_on": seat.previous_leaving_on,
            "version": seat.version,
            "application_id": application_id,
        }
        if loaded_version == 0:
            try:
                with self.conn.begin_nested():
                    self.conn.execute(
                        insert(manager_seats).values(
                            institution_code=seat.institution_code, category=seat.category, **values
                        )
                    )
            except IntegrityError as e:
                raise ConcurrentDecision() from e
            return
        done = self.conn.execute(
            update(manager_seats)
            .where(
                manager_seats.c.institution_code == seat.institution_code,
                manager_seats.c.category == seat.category,
                manager_seats.c.version == loaded_version,
            )
            .values(**values)
        )
        if done.rowcount != 1:
            raise ConcurrentDecision()


def _seat(r: Any) -> ManagerSeat:
    return ManagerSeat(
        r.institution_code,
        r.category,
        r.manager,
        r.leaving_on,
        r.version,
        starting_on=r.starting_on,
        previous=r.previous,
        previous_leaving_on=r.previous_leaving_on,
    )


class OutboxRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, changes: Sequence[GrantChange], now: datetime) -> None:
        # The changes of one decision keep their order (a replacement revokes
        # before it grants): ids grow in insertion order.
        for change in changes:
            self.conn.execute(
                insert(outbox).values(
                    change_key=change.key,
                    application_id=change.application_id,
                    kind=change.kind.value,
                    institution_code=change.institution_code,
                    category=change.category,
                    account=change.account,
                    create_account=change.create_account,
                    effective_on=change.effective_on,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )

    def claim(self, owner: str, now: datetime, today: date, lease: timedelta, limit: int) -> list[OutboxEntry]:
        """Lease up to `limit` due entries. Within one (institution, category)
        only the oldest due entry is handed out, so decisions on a seat reach
        Keycloak in the order they were taken."""
        o, p = outbox.alias("o"), outbox.alias("p")
        due = and_(
            o.c.status == "pending",
            o.c.next_attempt_at <= now,
            or_(o.c.lease_until.is_(None), o.c.lease_until < now),
            or_(o.c.effective_on.is_(None), o.c.effective_on <= today),
        )
        # An institution under suspension (R-SUS-1, decision 0163): its changes wait for the lifting.
        # A suspended person's too: a grant given now would put them back in a manager's console.
        suspended = exists().where(
            or_(
                and_(suspensions.c.scope == "institution", suspensions.c.institution_code == o.c.institution_code),
                and_(suspensions.c.scope == "person", func.lower(suspensions.c.account) == func.lower(o.c.account)),
            ),
            suspensions.c.lifted_at.is_(None),
        )
        earlier = exists().where(
            p.c.institution_code == o.c.institution_code,
            p.c.category == o.c.category,
            p.c.id < o.c.id,
            p.c.status == "pending",
            or_(p.c.effective_on.is_(None), p.c.effective_on <= today),
        )
        query = select(o.c.id).where(due, ~earlier, ~suspended).order_by(o.c.id).limit(limit)
        if self.conn.dialect.name == "postgresql":
            # Several workers claim at once: each skips the rows another is claiming instead of
            # queueing behind its lock and then finding them leased (SQLite: BEGIN IMMEDIATE
            # already lets one writer in at a time). The lease below still decides who holds what.
            query = query.with_for_update(skip_locked=True, of=o)
        ids = [r.id for r in self.conn.execute(query)]
        if not ids:
            return []
        until = now + lease
        self.conn.execute(
            update(outbox)
            .where(
                outbox.c.id.in_(ids),
                outbox.c.status == "pending",
                or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=until, attempts=outbox.c.attempts + 1)
        )
        rows = self.conn.execute(
            select(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.lease_owner == owner, outbox.c.lease_until == until)
            .order_by(outbox.c.id)
        )
        return [self._entry(r) for r in rows]

    def of_application(self, application_id: str) -> list[OutboxEntry]:
        rows = self.conn.execute(select(outbox).where(outbox.c.application_id == application_id).order_by(outbox.c.id))
        return [self._entry(r) for r in rows]

    def _update_if_leased(self, entry_id: int, owner: str, now: datetime, **values) -> None:
        done = self.conn.execute(
            update(outbox)
            .where(
                outbox.c.id == entry_id,
                outbox.c.lease_owner == owner,
                outbox.c.status == "pending",
                outbox.c.lease_until >= now,
            )
            .values(**values)
        )
        if done.rowcount != 1:
            raise LeaseLost(entry_id)

    def checkpoint(self, entry_id: int, owner: str, now: datetime, lease: timedelta, **progress) -> None:
        """Record progress (account created, mail sent) and renew the lease."""
        self._update_if_leased(entry_id, owner, now, lease_until=now + lease, **progress)

    def mark_done(self, entry_id: int, owner: str, now: datetime) -> None:
        self._update_if_leased(
            entry_id, owner, now, status="done", done_at=now, lease_owner=None, lease_until=None, last_error=None
        )

    def mark_failed(self, entry_id: int, owner: str, now: datetime, error: str) -> None:
        self._update_if_leased(
            entry_id, owner, now, status="failed", lease_owner=None, lease_until=None, last_error=error
        )

    def retry_later(self, entry_id: int, owner: str, now: datetime, at: datetime, error: str) -> None:
        self._update_if_leased(
            entry_id, owner, now, next_attempt_at=at, lease_owner=None, lease_until=None, last_error=error
        )

    def requeue_failed(self, application_id: str, now: datetime) -> int:
        """The failed changes of a retried application: due again, counted afresh."""
        return self.conn.execute(
            update(outbox)
            .where(
                outbox.c.application_id == application_id,
                outbox.c.status == "failed",
            )
            .values(status="pending", attempts=0, next_attempt_at=now, lease_owner=None, lease_until=None)
        ).rowcount

    def cancel_failed(self, application_id: str) -> int:
        return self.conn.execute(
            update(outbox)
            .where(
                outbox.c.application_id == application_id,
                outbox.c.status.in_(("failed", "pending")),
            )
            .values(status="cancelled", lease_owner=None, lease_until=None)
        ).rowcount

    def unfinished_of(self, application_id: str) -> int:
        return self.conn.execute(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.application_id == application_id, outbox.c.status != "done")
        ).scalar_one()

    @staticmethod
    def _entry(r) -> OutboxEntry:
        change = GrantChange(
            ChangeKind(r.kind),
            r.institution_code,
            r.category,
            r.account,
            r.application_id,
            create_account=r.create_account,
            effective_on=r.effective_on,
        )
        return OutboxEntry(r.id, change, r.attempts, r.account_id, r.mail_sent_at, r.status, r.last_error, r.done_at)


class ScanRepository:
    """Scans of signed documents, encrypted at rest with the personal-data key."""

    def __init__(self, conn: Connection, cipher: PersonalDataCipher) -> None:
        self.conn, self.cipher = conn, cipher

    def add(self, scan: Scan) -> None:
        self.conn.execute(
            insert(scans).values(
                id=scan.id,
                application_id=scan.application_id,
                document=scan.document,
                filename=scan.filename,
                content_type=scan.content_type,
                size=scan.size,
                uploaded_by=scan.uploaded_by,
                uploaded_at=scan.uploaded_at,
                ciphertext=self.cipher.encrypt_bytes(scan.content or b"", f"{scan.application_id}/{scan.id}"),
            )
        )

    def of_application(self, application_id: str) -> list[Scan]:
        rows = self.conn.execute(
            select(
                scans.c.id,
                scans.c.application_id,
                scans.c.document,
                scans.c.filename,
                scans.c.content_type,
                scans.c.size,
                scans.c.uploaded_by,
                scans.c.uploaded_at,
            )
            .where(scans.c.application_id == application_id)
            .order_by(scans.c.uploaded_at)
        )
        return [Scan(*r) for r in rows]

    def get(self, application_id: str, scan_id: str) -> Scan | None:
        r = self.conn.execute(
            select(scans).where(scans.c.id == scan_id, scans.c.application_id == application_id)
        ).first()
        if r is None:
            return None
        content = self.cipher.decrypt_bytes(r.ciphertext, f"{r.application_id}/{r.id}")
        return Scan(
            r.id,
            r.application_id,
            r.document,
            r.filename,
            r.content_type,
            r.size,
            r.uploaded_by,
            r.uploaded_at,
            content,
        )


class LegacyImportRepository:
    """The state of the rows of old-system exports (0007), keyed by file digest and row number."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def rows_of(self, file_sha256: str) -> dict[int, ImportedRowState]:
        t = legacy_import_rows
        rows = self.conn.execute(select(t).where(t.c.file_sha256 == file_sha256))
        return {
            r.row_number: ImportedRowState(
                r.row_number, r.account, r.status, r.reason_code, r.reason_zh, r.reason_en, r.account_id, r.wants_mail
            )
            for r in rows
        }

    def record(self, file_sha256: str, states, at: datetime) -> None:
        t = legacy_import_rows
        numbers = [s.row for s in states]
        known = set()
        for part in range(0, len(numbers), 500):
            known |= set(
                self.conn.execute(
                    select(t.c.row_number).where(
                        t.c.file_sha256 == file_sha256, t.c.row_number.in_(numbers[part : part + 500])
                    )
                ).scalars()
            )
        values = [
            dict(
                file_sha256=file_sha256,
                row_number=s.row,
                account=s.account[:255],
                status=s.status,
                reason_code=s.reason_code,
                reason_zh=s.reason_zh,
                reason_en=s.reason_en,
                account_id=s.account_id,
                wants_mail=s.wants_mail,
                at=at,
            )
            for s in states
            if s.row not in known
        ]
        if values:
            self.conn.execute(insert(t), values)

    def claim_mails(self, now: datetime, limit: int) -> list[MailDue]:
        t = legacy_import_rows
        candidates = self.conn.execute(
            select(t.c.file_sha256, t.c.row_number, t.c.account_id)
            .where(t.c.wants_mail.is_(True), t.c.mail_sent_at.is_(None), t.c.account_id.is_not(None))
            .order_by(t.c.at, t.c.file_sha256, t.c.row_number)
            .limit(limit)
        ).all()
        claimed = []
        for c in candidates:
            # Marked sent first, conditionally: of two workers only one takes a row.
            done = self.conn.execute(
                update(t)
                .where(
                    t.c.file_sha256 == c.file_sha256,
                    t.c.row_number == c.row_number,
                    t.c.mail_sent_at.is_(None),
                )
                .values(mail_sent_at=now)
            )
            if done.rowcount == 1:
                claimed.append(MailDue(c.file_sha256, c.row_number, c.account_id))
        return claimed

    def unclaim_mail(self, due: MailDue) -> None:
        t = legacy_import_rows
        self.conn.execute(
            update(t).where(t.c.file_sha256 == due.file_sha256, t.c.row_number == due.row).values(mail_sent_at=None)
        )

    def mails_waiting(self) -> int:
        t = legacy_import_rows
        return self.conn.execute(
            select(func.count())
            .select_from(t)
            .where(t.c.wants_mail.is_(True), t.c.mail_sent_at.is_(None), t.c.account_id.is_not(None))
        ).scalar_one()
