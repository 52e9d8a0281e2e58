"""The database schema as SQLAlchemy Core tables. The Alembic migrations in
`sync_service/migrations/` create exactly this; a test keeps them in step.

Rows are mapped to domain objects by hand in `repository.py`: the domain
stays free of SQLAlchemy, and what is stored (encrypted national ID, its
look-up hash) is visible here rather than hidden in a mapper.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend. SQLite
    keeps no zone, so it stores naive UTC; comparisons in SQL stay right."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

applications = Table(
    "applications",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(1), nullable=False),
    Column("category", String(20), nullable=False),
    Column("institution_code", String(10), nullable=False),
    Column("institution_name", String(100), nullable=False),
    Column("department", String(100), nullable=False),
    Column("applicant_name", String(50), nullable=False),
    Column("account", String(40), nullable=False),
    Column("phone_e164", String(20), nullable=False),
    Column("phone_extension", String(10)),
    Column("phone_national", String(40), nullable=False),
    # R-PD-1: never in clear; the hash finds an applicant's applications.
    Column("national_id_ciphertext", LargeBinary, nullable=False),
    Column("national_id_hash", String(64), nullable=False, index=True),
    Column("national_id_kind", String(30), nullable=False),
    Column("email", String(255), nullable=False),
    Column("application_date", Date, nullable=False),
    Column("reason", Text),
    Column("effective_date", Date),
    Column("status", String(20), nullable=False, index=True),
    # What the applicant declared (R-DOC-4: shown as declared, never as received).
    Column("documents", JSON, nullable=False),
    # The originals HPA received: [{document, letter_number, received_on, by, at}] (0008).
    Column("receipts", JSON, nullable=False, server_default="[]"),
    Column("vendor_name", String(50)),
    Column("vendor_processed_on", Date),
    Column("vendor_notes", Text),
    Column("submitted_at", UtcDateTime()),
    # A reviewer who filed it for someone else, and for whom: "person" or "institution" (0009).
    Column("filed_by", String(255)),
    Column("filed_for", String(12)),
    Column("originals_received_by", String(255)),
    Column("originals_received_at", UtcDateTime()),
    Column("decided_by", String(255)),
    Column("decided_at", UtcDateTime()),
    Column("replacing", String(40)),
    Column("rejection_reason", Text),
    Column("failure_reason", Text),
    Column("provisioned_at", UtcDateTime()),
    Index("ix_applications_seat", "institution_code", "category"),
    # The reviewers' queue, oldest first, filtered by state or not (0002).
    Index("ix_applications_queue", "status", "submitted_at", "id"),
    Index("ix_applications_submitted", "submitted_at", "id"),
    Index("ix_applications_category_queue", "category", "status", "submitted_at", "id"),
)

# Which applicants were mailed their application's reference (0016, issue 21 point 5).
receipt_mails = Table(
    "receipt_mails",
    metadata,
    Column("application_id", String(40), ForeignKey("applications.id"), primary_key=True),
    Column("sent_at", UtcDateTime(), nullable=False),
)

# Scans of the signed documents an applicant uploads (0002): encrypted with the
# personal-data key, bound to the application (AES-GCM associated data).
scans = Table(
    "scans",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("application_id", String(40), ForeignKey("applications.id"), nullable=False, index=True),
    Column("document", String(40), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("uploaded_by", String(255), nullable=False),
    Column("uploaded_at", UtcDateTime(), nullable=False),
)

# The desired manager grants (R-MGR-1): one row per (institution, category),
# so the primary key itself forbids a second manager; `version` refuses a
# decision taken on a stale copy (optimistic locking).
manager_seats = Table(
    "manager_seats",
    metadata,
    Column("institution_code", String(10), primary_key=True),
    Column("category", String(20), primary_key=True),
    Column("manager", String(40)),
    Column("leaving_on", Date),
    # An appointment dated ahead (R-MGR-6, 0009): from when `manager` holds the seat, and who
    # holds it until then (until when).
    Column("starting_on", Date),
    Column("previous", String(40)),
    Column("previous_leaving_on", Date),
    Column("version", Integer, nullable=False),
    Column("application_id", String(40), ForeignKey("applications.id")),
)

# Work for the worker: one row per GrantChange, written in the approval's transaction.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("change_key", String(200), nullable=False),
    Column("application_id", String(40), ForeignKey("applications.id"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("institution_code", String(10), nullable=False),
    Column("category", String(20), nullable=False),
    Column("account", String(40), nullable=False),
    Column("create_account", Boolean, nullable=False),
    Column("effective_on", Date),
    Column("status", String(10), nullable=False),  # pending, done, failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("lease_owner", String(80)),
    Column("lease_until", UtcDateTime()),
    Column("last_error", Text),
    # Progress of an A entry, kept so a resumed entry neither creates the
    # account again nor mails a second password.
    Column("account_id", String(64)),
    Column("mail_sent_at", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("done_at", UtcDateTime()),
    UniqueConstraint("change_key", name="uq_outbox_change_key"),
    Index("ix_outbox_due", "status", "next_attempt_at"),
    Index("ix_outbox_seat", "institution_code", "category", "status"),
)

# Append-only, hash-linked, signed (R-AUD-1). `seq` is assigned, not
# generated: two writers racing for the same link collide on the key.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(80), nullable=False),
    Column("application_id", String(40), index=True),
    Column("approved_by", String(255)),
    Column("payload", Text, nullable=False),  # canonical JSON, what the hash covers
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
)

# Keycloak's stored events copied into the audit chain (0005, decision 0090): per stream, the
# newest event time recorded (the next poll starts a little before it), and the keys of the
# events recorded lately, so one read again is not recorded twice. Both are written in the
# transaction that appends the events' chain rows.
keycloak_event_cursor = Table(
    "keycloak_event_cursor",
    metadata,
    Column("stream", String(10), primary_key=True),  # user, admin
    Column("newest_ms", BigInteger, nullable=False),
)

keycloak_events_recorded = Table(
    "keycloak_events_recorded",
    metadata,
    Column("key", String(80), primary_key=True),  # stream:Keycloak's event id
    Column("stream", String(10), nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Index("ix_keycloak_events_recorded_time", "stream", "time_ms"),
)

# ---- personal-data requests and the audit chain's pseudonyms (0006, decision 0095) ----

# Who a pseudonym in the audit chain stands for. The chain holds only the pseudonym
# (random, not derived from the person); this table, outside the chain's hash, ties it to
# a person: the identifier encrypted, and a keyed digest to find it. Erasure (a deletion
# request) clears the identifier; retention later clears the digest: the chain, unchanged,
# still verifies, and names nobody.
audit_people = Table(
    "audit_people",
    metadata,
    Column("pseudonym", String(40), primary_key=True),
    Column("lookup_hash", String(64), unique=True),  # keyed digest of "kind:value"; None once unlinked
    Column("identity_ciphertext", LargeBinary),  # "kind:value", AES-GCM; None once erased
    Column("created_at", UtcDateTime(), nullable=False),
    Column("erased_at", UtcDateTime()),
    Column("unlinked_at", UtcDateTime()),
)

# A person's request under the Personal Data Protection Act (R-PD-2): what, by when,
# who decided, what was applied. What the person asked (a correction's new value) is personal
# data: encrypted. After a deletion the account is replaced by the person's pseudonym.
personal_data_requests = Table(
    "personal_data_requests",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account", String(60), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("details_ciphertext", LargeBinary),
    Column("status", String(12), nullable=False, index=True),  # open, approved, rejected
    Column("filed_at", UtcDateTime(), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("extended_to", Date),
    Column("extension_reason", Text),
    Column("decided_by", String(255)),
    Column("decided_at", UtcDateTime()),
    Column("decision_reason", Text),
    # A request received in writing (0011): who registered it, the day the letter came, the fee
    # charged (NT$), and the letter's scan, encrypted (AES-GCM, bound to the request).
    Column("channel", String(8), nullable=False, server_default="online"),
    Column("registered_by", String(255)),
    Column("received_on", Date),
    Column("fee", Integer),
    Column("letter_filename", String(200)),
    Column("letter_content_type", String(40)),
    Column("letter_size", Integer),
    Column("letter_ciphertext", LargeBinary),
)

# Where the audit chain starts once retention has cut its oldest rows (decision 0096): the
# last row cut and its hash, signed with the audit key. The database lets rows at or below
# the newest base be deleted, no others; `verify` checks the base's signature and links the
# first kept row to it.
audit_base = Table(
    "audit_base",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("cut_at", UtcDateTime(), nullable=False),
)

# The audit chain's checkpoints mailed to the agency (decision 0136): one per period at most,
# and only when the chain grew; the mails are the evidence, these rows what the export prints.
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("period", Integer, primary_key=True, autoincrement=False),  # now // the period's length
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("signature", String(128), nullable=False),
    Column("sent_to", String(255), nullable=False),
)

# Moving in from the old system (0007, docs/decisions/0105): one row per row of an export
# file, keyed by the file's SHA-256 and the row number, so a killed import resumes and a
# second run changes nothing. No personal data: the account name, the outcome, the reason.
legacy_import_rows = Table(
    "legacy_import_rows",
    metadata,
    Column("file_sha256", String(64), primary_key=True),
    Column("row_number", Integer, primary_key=True, autoincrement=False),
    Column("account", String(255), nullable=False),
    Column("status", String(10), nullable=False),  # imported, refused
    Column("reason_code", String(80)),
    Column("reason_zh", Text),
    Column("reason_en", Text),
    Column("account_id", String(64)),
    # The account's first row carries its set-a-password mail (accounts without a usable hash).
    Column("wants_mail", Boolean, nullable=False),
    Column("mail_sent_at", UtcDateTime()),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_legacy_import_rows_mail", "wants_mail", "mail_sent_at"),
)

# Password reminders (R-PWD-2): one row per password cycle reminded (decision 0085).
password_reminders = Table(
    "password_reminders",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("password_set_at", UtcDateTime(), primary_key=True),
    Column("sent_at", UtcDateTime(), nullable=False),
)

# Access reviews (issue 12): the rounds whose opening sweep is done, one review per
# (round, institution, category), and one item per user asked about.
access_review_rounds = Table(
    "access_review_rounds",
    metadata,
    Column("round", String(10), primary_key=True),
    Column("opened_at", UtcDateTime(), nullable=False),
)

access_reviews = Table(
    "access_reviews",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("round", String(10), nullable=False),
    Column("institution_code", String(10), nullable=False),
    Column("category", String(10), nullable=False),
    Column("manager_account_id", String(64), nullable=False),
    Column("manager_username", String(40), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("deadline", UtcDateTime(), nullable=False),
    Column("opening_mailed_at", UtcDateTime()),
    Column("answered_at", UtcDateTime()),
    Column("answered_by", String(255)),
    Column("reminded_at", UtcDateTime()),
    Column("closed_at", UtcDateTime()),
    UniqueConstraint("round", "institution_code", "category", name="uq_access_review_pair"),
    Index("ix_access_reviews_open", "closed_at"),
)

access_review_items = Table(
    "access_review_items",
    metadata,
    Column("review_id", String(32), ForeignKey("access_reviews.id"), primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("username", String(40), nullable=False),
    Column("state", String(16), nullable=False),
    Column("decided_by", String(255)),
    Column("decided_at", UtcDateTime()),
)

# Suspensions (停權, R-SUS-1; 0014, decision 0163): who was suspended, why, on what reference, and
# what the suspension took away (each grant of an institution's people; a person's account state),
# kept to give back exactly when it is lifted. Nothing here is deleted on lifting.
suspensions = Table(
    "suspensions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("scope", String(12), nullable=False),  # institution, person
    Column("institution_code", String(10)),
    Column("account", String(40)),
    Column("account_id", String(64)),
    Column("reason", Text, nullable=False),
    Column("reference", String(50), nullable=False),
    Column("suspended_by", String(255), nullable=False),
    Column("suspended_at", UtcDateTime(), nullable=False),
    Column("person_state", JSON),  # {enabled, closed_on, closed_because} before a person's suspension
    Column("lifted_by", String(255)),
    Column("lifted_at", UtcDateTime()),
    Column("lift_reason", Text),
    Index("ix_suspensions_institution", "institution_code", "lifted_at"),
    Index("ix_suspensions_account_id", "account_id", "lifted_at"),
)

suspended_grants = Table(
    "suspended_grants",
    metadata,
    Column("suspension_id", String(32), ForeignKey("suspensions.id"), primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("institution_code", String(10), primary_key=True),
    Column("category", String(20), primary_key=True),
    Column("level", String(10), primary_key=True),
    Column("username", String(40), nullable=False, index=True),
    Column("ended", Boolean, nullable=False, default=False),  # ended while suspended: not given back
)

# Grants a manager ends from a date (decision 0127): one pending ending per person and pair,
# removed when applied (the audit chain keeps the record).
grant_endings = Table(
    "grant_endings",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("institution_code", String(10), primary_key=True),
    Column("category", String(10), primary_key=True),
    Column("username", String(40), nullable=False),
    Column("end_on", Date, nullable=False),
    Column("set_by", String(255), nullable=False),
    Column("set_at", UtcDateTime(), nullable=False),
    Index("ix_grant_endings_due", "end_on"),
)


# The pages' sessions on the server (decision 0130): the browser's cookie holds only the id.
# The data (who signed in, the CSRF token, remembered references) is encrypted with the
# personal-data key, bound to the row's id; the identity provider's session id and subject are
# kept beside it so that its back-channel logout finds the page sessions to end.
page_sessions = Table(
    "page_sessions",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
    Column("keycloak_session", String(100), index=True),
    Column("subject", String(100), index=True),
)


# The intake's captcha challenges not answered yet (decision 0133): every web process issues,
# draws and checks them here. The answer is no personal data; a challenge lives ten minutes.
captcha_challenges = Table(
    "captcha_challenges",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("answer", String(16), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
)
