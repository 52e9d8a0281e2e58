"""One database transaction per use case: the repositories share it, and the
domain events of every application touched go into the audit chain inside
it, so a change and its record are written together or not at all."""
from __future__ import annotations

import dataclasses

from sqlalchemy.engine import Engine

from ..domain.events import Event
from ..services.ports import AuditEntry
from .audit_chain import AuditChain
from .crypto import PersonalDataCipher
from .keycloak_event_log import KeycloakEventLog
from .repository import ApplicationRepository, OutboxRepository, ScanRepository, SeatRepository


def audit_entry_of(event: Event, vendor_record=None) -> AuditEntry:
    details = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)
               if f.name not in ("application_id", "by", "at", "approved_by")}
    if "changes" in details:
        details["changes"] = [dataclasses.asdict(c) for c in details["changes"]]
    if vendor_record is not None:  # R-FORM-6: the vendor's record travels with every step
        details["vendor_record"] = dataclasses.asdict(vendor_record)
    return AuditEntry(actor=event.by, action=event.name, at=event.at, application_id=event.application_id,
                      approved_by=event.approved_by, details=details)


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
        self._extra: list[AuditEntry] = []
        return self

    def audit_trail(self, application_id: str) -> list[AuditEntry]:
        return self.chain.entries_of(self.conn, application_id)

    def audit_rows(self, start, end):
        return self.chain.rows_between(self.conn, start, end)

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
