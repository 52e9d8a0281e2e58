"""Domain events: what happened to an application, for the audit chain (R-AUD-1).

Each event answers the auditor's four questions: who (`by`), what (the event
type and its fields), when (`at`), on whose approval (`approved_by`, once a
reviewer has decided). The service layer drains `Application.events` into the
append-only audit table in the same transaction as the change itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, dataclass_transform

from .grants import GrantChange


# Subclasses are dataclasses too (__init_subclass__ below); this tells the type checker so.
@dataclass_transform(kw_only_default=True, frozen_default=True)
@dataclass(frozen=True, kw_only=True)
class Event:
    name: ClassVar[str] = "event"
    application_id: str
    by: str
    at: datetime
    approved_by: str | None = None

    def __init_subclass__(cls, *, name: str, **kwargs: Any) -> None:
        # Every event is a frozen, keyword-only dataclass, named as the audit chain records it.
        super().__init_subclass__(**kwargs)
        cls.name = name
        dataclass(frozen=True, kw_only=True)(cls)


class ApplicationSubmitted(Event, name="application.submitted"):
    """The applicant sent form 1; `on_behalf_of` names the account a reviewer filed it for,
    `for_institution` that the reviewer filed it from the institution's letter."""

    on_behalf_of: str | None = None
    for_institution: bool | None = None


class DocumentDeclared(Event, name="application.document_declared"):
    """The applicant declared a document part of the file; not a receipt of the original."""

    document: str


class OriginalsReceived(Event, name="application.originals_received"):
    """Signed paper originals arrived by official letter (R-DOC-4): which, and the letter."""

    documents: tuple[str, ...] = ()
    # The official letter that carried them (公文): its number and the day it arrived.
    letter_number: str | None = None
    received_on: date | None = None


class ApplicationApproved(Event, name="application.approved"):
    """A reviewer approved; the grant changes the decision made."""

    replacing: str | None = None
    changes: tuple[GrantChange, ...] = ()


class ApplicationRejected(Event, name="application.rejected"):
    """A reviewer rejected, with the reason."""

    reason: str


class ProvisioningFailed(Event, name="application.provisioning_failed"):
    """Keycloak refused a change of the decision; the reason."""

    reason: str


class ApplicationProvisioned(Event, name="application.provisioned"):
    """Keycloak holds what the decision asked."""


class VendorProcessingRecorded(Event, name="application.vendor_processing_recorded"):
    """The maintenance vendor recorded its processing (R-FORM-6)."""

    vendor_name: str
    processed_on: date
    notes: str


class ProvisioningRetried(Event, name="application.retried"):
    """A reviewer had a failed provisioning tried again, its cause fixed."""

    failure_reason: str


class ApplicationCancelled(Event, name="application.cancelled"):
    """A reviewer gave up a failed application, with the reason."""

    reason: str
