"""The audit chain (R-AUD-1, R-FORM-6): append-only, hash-linked, signed.

Each row's hash covers its own fields and the previous row's hash; each hash
is signed with Ed25519. Changing, removing or inserting a row breaks a link
or a signature, and `verify` names the first row where that happens.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from ..services.ports import AuditEntry
from .tables import audit_log

GENESIS = "0" * 64
# On PostgreSQL, writers take turns at the head of the chain; SQLite's
# BEGIN IMMEDIATE already serialises every writer.
AUDIT_HEAD_LOCK = 727_002


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _digest(prev_hash: str, seq: int, at: datetime, actor: str, action: str,
            application_id: str | None, approved_by: str | None, payload: str) -> str:
    body = canonical({
        "seq": seq, "at": at.astimezone(timezone.utc).isoformat(), "actor": actor, "action": action,
        "application_id": application_id, "approved_by": approved_by, "payload": payload,
    })
    return hashlib.sha256((prev_hash + "\n" + body).encode()).hexdigest()


@dataclass(frozen=True)
class Broken:
    """The first row where the chain breaks, and how."""
    seq: int
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    """What `verify` read, and the first break if there is one."""
    rows: int
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


class AuditChain:
    def __init__(self, signing_key: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(signing_key)
        self.public_key: Ed25519PublicKey = self._key.public_key()

    def append(self, conn: Connection, entry: AuditEntry) -> int:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_HEAD_LOCK})
        head = conn.execute(
            select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).first()
        seq, prev = (head.seq + 1, head.hash) if head else (1, GENESIS)
        at = entry.at.astimezone(timezone.utc)  # both backends keep microseconds: hashed as stored
        payload = canonical(entry.details or {})
        digest = _digest(prev, seq, at, entry.actor, entry.action, entry.application_id, entry.approved_by, payload)
        conn.execute(insert(audit_log).values(
            seq=seq, at=at, actor=entry.actor, action=entry.action, application_id=entry.application_id,
            approved_by=entry.approved_by, payload=payload, prev_hash=prev, hash=digest,
            signature=self._key.sign(digest.encode()).hex(),
        ))
        return seq

    def verify(self, conn: Connection, batch: int = 5000) -> VerifyReport:
        prev, expected_seq, rows = GENESIS, 1, 0
        last = 0
        while True:
            chunk = conn.execute(
                select(audit_log).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(batch)
            ).all()
            if not chunk:
                return VerifyReport(rows, None)
            for r in chunk:
                rows += 1
                if r.seq != expected_seq:
                    return VerifyReport(rows, Broken(expected_seq, f"row {expected_seq} is missing"))
                if r.prev_hash != prev:
                    return VerifyReport(rows, Broken(r.seq, "does not link to the row before it"))
                digest = _digest(prev, r.seq, r.at, r.actor, r.action, r.application_id, r.approved_by, r.payload)
                if digest != r.hash:
                    return VerifyReport(rows, Broken(r.seq, "its content does not match its hash"))
                try:
                    self.public_key.verify(bytes.fromhex(r.signature), r.hash.encode())
                except (InvalidSignature, ValueError):
                    return VerifyReport(rows, Broken(r.seq, "its signature is not valid"))
                prev, expected_seq, last = r.hash, r.seq + 1, r.seq

    @staticmethod
    def entries_of(conn: Connection, application_id: str) -> list[AuditEntry]:
        """One application's trail, oldest first, as the reviewer's page shows it."""
        rows = conn.execute(select(audit_log).where(audit_log.c.application_id == application_id)
                            .order_by(audit_log.c.seq))
        return [AuditEntry(actor=r.actor, action=r.action, at=r.at, application_id=r.application_id,
                           approved_by=r.approved_by, details=json.loads(r.payload)) for r in rows]

    @staticmethod
    def count(conn: Connection) -> int:
        return conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
