"""One database transaction per use case: the repositories share it, and the
domain events of every application touched go into the audit chain inside
it, so a change and its record are written together or not at all."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy.engine import Engine

from ..domain.events import Event
from ..services.ports import AuditEntry
from .audit_chain import AuditChain
from .audit_checkpoints import AuditCheckpointStore
from .audit_people import AuditPeople
from .crypto import PersonalDataCipher
from .grant_endings import GrantEndingRepository
from .keycloak_event_log import KeycloakEventLog
from .personal_data_store import PersonalDataRequestRepository, PersonalRecords
from .repository import (
    ApplicationRepository,
    LegacyImportRepository,
    OutboxRepository,
    ScanRepository,
    SeatRepository,
)
from .review_repository import AccessReviewRepository, PasswordReminderRepository
from .suspension_store import SuspensionRepository


def audit_entry_of(event: Event, vendor_record=None) -> AuditEntry:
    details = {
        f.name: getattr(event, f.name)
        for f in dataclasses.fields(event)
        if f.name not in ("application_id", "by", "at", "approved_by")
    }
    if "changes" in details:
        details["changes"] = [dataclasses.asdict(c) for c in details["changes"]]
    if vendor_record is not None:  # R-FORM-6: the vendor's record travels with every step
        details["vendor_record"] = dataclasses.asdict(vendor_record)
    return AuditEntry(
        actor=event.by,
        action=event.name,
        at=event.at,
        application_id=event.application_id,
        approved_by=event.approved_by,
        details=details,
    )


class SqlUnitOfWork:
    def __init__(self, engine: Engine, cipher: PersonalDataCipher, chain: AuditChain) -> None:
        self.engine, self.cipher, self.chain = engine, cipher, chain

    def __enter__(self) -> SqlUnitOfWork:
        self.conn = self.engine.connect()
        self.transaction = self.conn.begin()
        self.applications = ApplicationRepository(self.conn, self.cipher)
        self.seats = SeatRepository(self.conn)
        self.outbox = OutboxRepository(self.conn)
        self.scans = ScanRepository(self.conn, self.cipher)
        self.keycloak_events = KeycloakEventLog(self.conn)
        self.personal_requests = PersonalDataRequestRepository(self.conn, self.cipher)
        self.personal_records = PersonalRecords(self.conn, self.cipher)
        self.legacy = LegacyImportRepository(self.conn)
        self.password_reminders = PasswordReminderRepository(self.conn)
        self.access_reviews = AccessReviewRepository(self.conn)
        self.grant_endings = GrantEndingRepository(self.conn)
        self.audit_checkpoints = AuditCheckpointStore(self.conn, self.chain)
        self.suspensions = SuspensionRepository(self.conn)
        self._extra: list[AuditEntry] = []
        self._erase: tuple[set[str], datetime] | None = None
        return self

    @property
    def _people(self) -> AuditPeople:
        """Who the audit chain's pseudonyms stand for (the service always wires it; decision 0095)."""
        people = self.chain.people
        assert people is not None
        return people

    def audit_trail(self, application_id: str) -> list[AuditEntry]:
        return self.chain.entries_of(self.conn, application_id)

    def audit_rows(self, start, end):
        return self.chain.rows_between(self.conn, start, end)

    # ---- people in the audit chain (decision 0095) ---------------------------

    def pseudonym_of(self, kind: str, value: str, now) -> str:
        """The person's pseudonym in the audit chain (made now if they have none yet)."""
        from .audit_people import identifier

        pseudonym = self._people.pseudonym_of(self.conn, identifier(kind, value), now)
        assert pseudonym is not None  # made on first use
        return pseudonym

    def audit_about(self, identifiers: set[tuple[str, str]], application_ids: set[str]) -> list[AuditEntry]:
        """Every audit entry naming this person or concerning their applications, oldest first;
        the person named by name, anyone else only as "another person" (a copy carries nobody else)."""
        from .audit_people import identifier

        people = self._people
        theirs = people.pseudonyms_of(self.conn, {identifier(k, v) for k, v in identifiers})
        rows = self.chain.rows_about(self.conn, theirs, application_ids)
        return self.chain.named(
            self.conn, rows, show=lambda p, name: name if p in theirs else "其他人員 / another person"
        )

    def erase_person(self, identifiers: set[tuple[str, str]], now) -> None:
        """With the commit, after this unit's own audit rows (which name the person too):
        forget whom their pseudonyms stand for."""
        from .audit_people import identifier

        self._erase = ({identifier(k, v) for k, v in identifiers}, now)

    def unlink_erased_people_before(self, cutoff, now) -> int:
        """Retention: a person erased before `cutoff` can no longer be found by name either."""
        return self._people.unlink_erased_before(self.conn, cutoff, now)

    def cut_audit_chain_before(self, cutoff, now) -> int:
        """Retention: the chain's rows older than `cutoff` go, a signed base marks where it starts."""
        return self.chain.cut_before(self.conn, cutoff, now)

    def record(self, entry: AuditEntry) -> None:
        """An audit row that is no application event (e.g. the worker's Keycloak changes)."""
        self._extra.append(entry)

    def commit(self) -> None:
        # Rows recorded by the use case itself (what it did to Keycloak) come
        # before the application events that follow from them (provisioned).
        head = self.chain.append_all(self.conn, self._extra)
        self._extra.clear()
        for app in self.applications.seen.values():
            for event in app.events:
                head = self.chain.append(self.conn, audit_entry_of(event, app.vendor_record))
            app.events.clear()
        if self._erase is not None:
            idents, now = self._erase
            self._people.erase(self.conn, idents, now)
            self._erase = None
        self.transaction.commit()
        if head is not None:
            # Only once committed: a head naming a row that was rolled back would be a false alarm.
            self.chain.anchor(head)

    def rollback(self) -> None:
        if self.transaction.is_active:
            self.transaction.rollback()

    def __exit__(self, *exc) -> None:
        self.rollback()  # anything not committed explicitly is not written
        self.conn.close()
