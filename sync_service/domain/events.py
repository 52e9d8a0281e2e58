"""Domain events: what happened to an application, for the audit chain (R-AUD-1).

Each event answers the auditor's four questions: who (`by`), what (the event
type and its fields), when (`at`), on whose approval (`approved_by`, once a
reviewer has decided). The service layer drains `Application.events` into the
append-only audit table in the same transaction as the change itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .grants import GrantChange


@dataclass(frozen=True, kw_only=True)
class Event:
    name: ClassVar[str] = "event"
    application_id: str
    by: str
    at: datetime
    approved_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class ApplicationSubmitted(Event):
    name: ClassVar[str] = "application.submitted"


@dataclass(frozen=True, kw_only=True)
class DocumentAttached(Event):
    name: ClassVar[str] = "application.document_attached"
    document: str


@dataclass(frozen=True, kw_only=True)
class OriginalsReceived(Event):
    name: ClassVar[str] = "application.originals_received"
    documents: tuple[str, ...] = ()
    # The official letter that carried them (公文): its number and the day it arrived.
    letter_number: str | None = None
    received_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class ApplicationApproved(Event):
    name: ClassVar[str] = "application.approved"
    replacing: str | None = None
    changes: tuple[GrantChange, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ApplicationRejected(Event):
    name: ClassVar[str] = "application.rejected"
    reason: str


@dataclass(frozen=True, kw_only=True)
class ApplicationProvisioned(Event):
    name: ClassVar[str] = "application.provisioned"


@dataclass(frozen=True, kw_only=True)
class ProvisioningFailed(Event):
    name: ClassVar[str] = "application.provisioning_failed"
    reason: str


@dataclass(frozen=True, kw_only=True)
class VendorProcessingRecorded(Event):
    name: ClassVar[str] = "application.vendor_processing_recorded"
    vendor_name: str
    processed_on: date
    notes: str
