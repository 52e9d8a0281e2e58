"""The audit chain (R-AUD-1, R-FORM-6): append-only, hash-linked, signed.

Each row's hash covers its own fields and the previous row's hash; each hash
is signed with Ed25519. Changing, removing or inserting a row breaks a link
or a signature, and `verify` names the first row where that happens.

Cutting rows off the end breaks no link, so the chain is anchored outside the
database (decision 0010): after every commit that appended rows, a signed head
(last sequence number and its hash) is written to a file the database owner
does not control, and `verify` checks the chain still reaches it. A chain with
rows and no head file is reported: the file was deleted (decision 0136).

Elsewhere too (decision 0136): the worker records the head in Keycloak's admin
events every few seconds, and mails a signed checkpoint to the agency every hour.
`verify` takes these as `Anchor`s: the chain must reach each and hold its hash
there, so a cut tail shows even with the head file gone, and a history rewritten
and re-signed by the key's holder no longer matches the checkpoints already sent.

Key rotation: a signature is stored as `key id:base64`, the key id naming the
public key that checks it; retired keys are kept to verify the rows (and the
head) they signed. Rows signed before key ids (plain hex) are checked against
each key.

People (decision 0095): with `people` wired, the chain never stores who a
person is, only a pseudonym (actor, approved_by, and the payload's
person-naming keys); `AuditPeople` ties pseudonyms to people outside the
hashed content, so erasing a person there leaves every hash and signature
as it was.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import func, insert, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ..services.ports import AuditCheckpoint, AuditEntry, ChainRow
from . import audit_bundle_verify as shipped
from .audit_people import AuditPeople, is_pseudonym
from .locks import AUDIT_HEAD_LOCK
from .tables import applications, audit_base, audit_log

GENESIS = "0" * 64


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _digest(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    application_id: str | None,
    approved_by: str | None,
    payload: str,
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "application_id": application_id,
            "approved_by": approved_by,
            "payload": payload,
        }
    )
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


@dataclass(frozen=True)
class Head:
    """The last row of the chain as last seen committed: sequence number and hash."""

    seq: int
    hash: str

    def signed_text(self) -> bytes:
        return f"audit-head:{self.seq}:{self.hash}".encode()


@dataclass(frozen=True)
class Anchor:
    """The chain's end as recorded somewhere else, signed with the audit key: the head file,
    Keycloak's admin events, a checkpoint mailed to the agency (decision 0136)."""

    seq: int
    hash: str
    where: str  # names it in a report: "the checkpoint of 2026-12-05T01:00:00+00:00"
    text: bytes  # what the signature covers
    signature: str  # "key id:base64", or hex for a head file

    @classmethod
    def of_checkpoint(cls, seq: int, row_hash: str, at: str, signature: str, where: str = "") -> Anchor:
        return cls(
            seq, row_hash, where or f"the checkpoint of {at}", shipped.checkpoint_text(seq, row_hash, at), signature
        )


class HeadFile:
    """The signed head, kept in a file outside the database. It only moves
    forward: writers on one host take turns under a file lock, and a head
    older than the one stored is not written."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def read(self, public_keys: Iterable[Ed25519PublicKey]) -> Head | None:
        """The stored head, or None if there is none yet. A head that is not
        ours (no valid signature by any of our keys, unreadable) is an error: ValueError."""
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise ValueError(f"the signed head {self.path} cannot be read: {e}") from e
        head = Head(int(data["seq"]), str(data["hash"]))
        for public_key in public_keys:  # the head may be signed by a key rotated out since
            try:
                public_key.verify(bytes.fromhex(data["signature"]), head.signed_text())
                return head
            except (InvalidSignature, ValueError, KeyError):
                continue
        raise ValueError(f"the signed head {self.path} has no valid signature")

    def advance(self, head: Head, key: Ed25519PrivateKey, public_keys: Sequence[Ed25519PublicKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                current = self.read(public_keys)
            except ValueError:
                current = None  # unreadable: replaced by a good one; verify reports the gap if any
            if current is not None and current.seq >= head.seq:
                return
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(
                json.dumps({"seq": head.seq, "hash": head.hash, "signature": key.sign(head.signed_text()).hex()})
            )
            os.replace(tmp, self.path)


def signing_key_id(public_key: Ed25519PublicKey) -> str:
    """Names a public key: what a verifier needs to pick the right one."""
    return hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


class AuditChain:
    def __init__(
        self,
        signing_key: bytes,
        head_file: Path | None = None,
        retired: Sequence[bytes] = (),
        people: AuditPeople | None = None,
    ) -> None:
        self.people = people
        self._key = Ed25519PrivateKey.from_private_bytes(signing_key)
        self.public_key: Ed25519PublicKey = self._key.public_key()
        self.key_id = signing_key_id(self.public_key)
        self.public_keys: dict[str, Ed25519PublicKey] = {}
        for old in retired:
            public = Ed25519PrivateKey.from_private_bytes(old).public_key()
            self.public_keys[signing_key_id(public)] = public
        self.public_keys[self.key_id] = self.public_key
        self.head_file = HeadFile(head_file) if head_file else None

    def sign(self, digest: str) -> str:
        return self.sign_bytes(digest.encode())

    def sign_bytes(self, message: bytes) -> str:
        """`key id:base64 signature` of any message (the chain's rows, the export bundle)."""
        return f"{self.key_id}:{base64.b64encode(self._key.sign(message)).decode()}"

    def signature_valid(self, digest: str, signature: str) -> bool:
        return self.signed(digest.encode(), signature)

    def signed(self, message: bytes, signature: str) -> bool:
        """True if one of our keys (current or retired) signed the message."""
        try:
            if ":" in signature:
                key_id, encoded = signature.split(":", 1)
                key = self.public_keys.get(key_id)
                if key is None:
                    return False
                key.verify(base64.b64decode(encoded, validate=True), message)
                return True
            raw = bytes.fromhex(signature)
        except (InvalidSignature, ValueError):
            return False
        for key in self.public_keys.values():
            try:
                key.verify(raw, message)
                return True
            except InvalidSignature:
                continue
        return False

    def end(self, conn: Connection) -> Head | None:
        """The chain's last row now: its sequence number and hash (None while it is empty)."""
        row = conn.execute(select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)).first()
        return Head(row.seq, row.hash) if row else None

    def checkpoint(self, head: Head, at: datetime) -> AuditCheckpoint:
        """The signed checkpoint of `head` at `at` (decision 0136), to the second (as stored and mailed)."""
        at = at.astimezone(UTC).replace(microsecond=0)
        stamp = at.isoformat(timespec="seconds")
        signature = self.sign_bytes(shipped.checkpoint_text(head.seq, head.hash, stamp))
        line = shipped.checkpoint_line(head.seq, head.hash, stamp, signature)
        return AuditCheckpoint(head.seq, head.hash, at, signature, line)

    def head_signature(self, head: Head) -> str:
        """The head's signature as recorded away from this host (Keycloak's admin events)."""
        return self.sign_bytes(head.signed_text())

    def anchor(self, head: Head) -> None:
        """After the commit that made `head` the chain's end: record it outside the database."""
        if self.head_file is not None:
            self.head_file.advance(head, self._key, [self.public_key, *self.public_keys.values()])

    def append(self, conn: Connection, entry: AuditEntry) -> Head:
        head = self.append_all(conn, [entry])
        assert head is not None  # one entry appended
        return head

    def append_all(self, conn: Connection, entries: Sequence[AuditEntry]) -> Head | None:
        """Several rows at the chain's end in one statement (a page of Keycloak's events): the
        head read once, the rows linked and signed here, inserted together."""
        if not entries:
            return None
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_HEAD_LOCK})
        head = conn.execute(select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)).first()
        seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
        rows = []
        for entry in entries:
            seq += 1
            at = entry.at.astimezone(UTC)  # both backends keep microseconds: hashed as stored
            actor, approved_by, details = entry.actor, entry.approved_by, entry.details or {}
            if self.people is not None:  # under the lock above: one pseudonym per person, even with two writers
                actor = self.people.actor(conn, actor, at) or actor  # a name in, a pseudonym out
                approved_by = self.people.actor(conn, approved_by, at)
                details = self.people.payload(conn, details, at)
            payload = canonical(details)
            digest = _digest(prev, seq, at, actor, entry.action, entry.application_id, approved_by, payload)
            rows.append(
                dict(
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=entry.action,
                    application_id=entry.application_id,
                    approved_by=approved_by,
                    payload=payload,
                    prev_hash=prev,
                    hash=digest,
                    signature=self.sign(digest),
                )
            )
            prev = digest
        conn.execute(insert(audit_log), rows)
        return Head(seq, prev)

    def verify(self, conn: Connection, batch: int = 5000, anchors: Sequence[Anchor] = ()) -> VerifyReport:
        """Links and signatures of every kept row, then the chain's end against the signed head
        file and against each anchor recorded elsewhere (decision 0136)."""
        base = conn.execute(select(audit_base).order_by(audit_base.c.seq.desc()).limit(1)).first()
        if base is not None and not self.signature_valid(_base_text(base.seq, base.hash), base.signature):
            return VerifyReport(
                0,
                Broken(
                    base.seq + 1, "the chain's base (where retention cut it) is not ours: its signature is not valid"
                ),
            )
        start = (base.seq, base.hash) if base is not None else (0, GENESIS)
        report = self._verify_links(conn, batch, start)
        if not report.ok:
            return report
        end = start[0] + report.rows
        found = [self._check_anchor(conn, anchor, end, start) for anchor in anchors]
        found.append(self._check_head(conn, end) if self.head_file is not None else None)
        # The earliest row where one of them disagrees (an anchor before the head file, which says less).
        broken = min((b for b in found if b is not None), key=lambda b: b.seq, default=None)
        return VerifyReport(report.rows, broken)

    def cut_before(self, conn: Connection, cutoff: datetime, now: datetime) -> int:
        """Retention (decision 0096): delete the oldest rows, all written before `cutoff`, and
        record where the chain now starts as a signed base. The newest row always stays."""
        newest = conn.execute(select(func.max(audit_log.c.seq))).scalar()
        if newest is None:
            return 0
        first_young = conn.execute(select(func.min(audit_log.c.seq)).where(audit_log.c.at >= cutoff)).scalar()
        last_cut = min(newest - 1, (first_young - 1) if first_young is not None else newest)
        first = conn.execute(select(func.min(audit_log.c.seq))).scalar()
        if last_cut < first:
            return 0
        cut_hash = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == last_cut)).scalar_one()
        conn.execute(
            insert(audit_base).values(
                seq=last_cut, hash=cut_hash, cut_at=now, signature=self.sign(_base_text(last_cut, cut_hash))
            )
        )
        return conn.execute(audit_log.delete().where(audit_log.c.seq <= last_cut)).rowcount

    def _check_head(self, conn: Connection, rows: int) -> Broken | None:
        """The chain must reach the signed head: rows cut off its end are missed here."""
        if self.head_file is None:
            return None
        try:
            head = self.head_file.read([self.public_key, *self.public_keys.values()])
        except ValueError as e:
            return Broken(rows + 1, str(e))
        if head is None:
            if rows == 0:
                return None  # a new installation: nothing written yet
            return Broken(
                rows + 1,
                f"the signed head file {self.head_file.path} is missing, though the chain has {rows} rows "
                "(deleted? compare the chain with Keycloak's anchors and the mailed checkpoints)",
            )
        if rows < head.seq:
            return Broken(rows + 1, f"truncated: the chain ends at row {rows}, the signed head names row {head.seq}")
        stored = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == head.seq)).scalar_one()
        if stored != head.hash:
            return Broken(head.seq, "does not match the signed head (the chain was cut and written anew)")
        return None

    def _check_anchor(self, conn: Connection, anchor: Anchor, end: int, start: tuple[int, str]) -> Broken | None:
        """The chain must reach the anchor and hold its hash there."""
        if not self.signed(anchor.text, anchor.signature):
            return Broken(anchor.seq, f"{anchor.where} is not signed by the audit key")
        if anchor.seq > end:
            return Broken(end + 1, f"truncated: the chain ends at row {end}, {anchor.where} names row {anchor.seq}")
        if anchor.seq < start[0]:
            return None  # in the part retention cut (decision 0096): its base was checked instead
        stored = (
            start[1]
            if anchor.seq == start[0]
            else conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == anchor.seq)).scalar_one()
        )
        if stored != anchor.hash:
            return Broken(anchor.seq, f"does not match {anchor.where} (the chain was rewritten after it)")
        return None

    def _verify_links(self, conn: Connection, batch: int, start: tuple[int, str] = (0, GENESIS)) -> VerifyReport:
        last, prev = start
        expected_seq, rows = last + 1, 0
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
                if not self.signature_valid(r.hash, r.signature):
                    return VerifyReport(rows, Broken(r.seq, "its signature is not valid"))
                prev, expected_seq, last = r.hash, r.seq + 1, r.seq

    def entries_of(self, conn: Connection, application_id: str) -> list[AuditEntry]:
        """One application's trail, oldest first, as the reviewer's page shows it (people by name)."""
        rows = conn.execute(
            select(audit_log).where(audit_log.c.application_id == application_id).order_by(audit_log.c.seq)
        ).all()
        return self.named(conn, rows)

    def rows_about(self, conn: Connection, pseudonyms: set[str], application_ids: set[str]):
        """The rows that name any of these pseudonyms or concern these applications, oldest first."""
        about: list[ColumnElement[bool]] = [
            audit_log.c.actor.in_(pseudonyms),
            audit_log.c.approved_by.in_(pseudonyms),
            audit_log.c.application_id.in_(application_ids),
        ]
        about += [audit_log.c.payload.contains(f'"{p}"') for p in pseudonyms]
        return conn.execute(select(audit_log).where(or_(*about)).order_by(audit_log.c.seq)).all()

    def named(self, conn: Connection, rows, show=None) -> list[AuditEntry]:
        """Rows as entries, each pseudonym replaced by `show(pseudonym, whom)` (default: the
        person's name, or a mark that they were erased)."""
        found: set[str] = set()
        for r in rows:
            found.update(_pseudonyms_in([r.actor, r.approved_by]))
            found.update(_pseudonyms_in(json.loads(r.payload)))
        whom = self.people.resolve(conn, found) if self.people is not None else {}
        show = show or (lambda p, name: name if name is not None else f"已刪除之當事人 / erased person ({p})")

        def person(value):
            return show(value, whom.get(value)) if is_pseudonym(value) else value

        def walk(value):
            if isinstance(value, dict):
                return {k: walk(v) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v) for v in value]
            if (
                isinstance(value, str)
                and self.people is not None
                and value.startswith(self.people.email_prefix)
                and is_pseudonym(value[len(self.people.email_prefix) :])
            ):
                return self.people.email_prefix + person(value[len(self.people.email_prefix) :])
            return person(value)

        return [
            AuditEntry(
                actor=walk(r.actor),
                action=r.action,
                at=r.at,
                application_id=r.application_id,
                approved_by=walk(r.approved_by),
                details=walk(json.loads(r.payload)),
            )
            for r in rows
        ]

    def rows_between(self, conn: Connection, start: datetime, end: datetime) -> list[ChainRow]:
        """Rows stamped in [start, end), in chain order, with their application's institution and
        account, as stored (what the hashes cover) and as a person reads them (names, 0095)."""
        query = (
            select(audit_log, applications.c.institution_code, applications.c.account)
            .select_from(audit_log.outerjoin(applications, applications.c.id == audit_log.c.application_id))
            .where(audit_log.c.at >= start, audit_log.c.at < end)
            .order_by(audit_log.c.seq)
        )
        rows = conn.execute(query).all()
        shown = self.named(conn, rows)
        return [
            ChainRow(
                seq=r.seq,
                at=r.at,
                actor=r.actor,
                action=r.action,
                application_id=r.application_id,
                approved_by=r.approved_by,
                payload=r.payload,
                prev_hash=r.prev_hash,
                hash=r.hash,
                signature=r.signature,
                application_institution=r.institution_code,
                application_account=r.account,
                shown=e,
            )
            for r, e in zip(rows, shown)
        ]

    @staticmethod
    def count(conn: Connection) -> int:
        return conn.execute(select(func.count()).select_from(audit_log)).scalar_one()


def _pseudonyms_in(value) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_pseudonyms_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_pseudonyms_in(v) for v in value)) if value else set()
    if isinstance(value, str):
        i = value.find("person:")
        return {value[i:]} if i >= 0 and is_pseudonym(value[i:]) else set()
    return set()


def _base_text(seq: int, digest: str) -> str:
    return f"audit-base:{seq}:{digest}"
