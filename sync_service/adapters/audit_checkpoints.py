"""The audit chain's checkpoints (decision 0136), stored as the export prints them: one per period
at most, and only when the chain grew since the last one. Of two workers in one period, the
first to insert the period's row makes it; the other finds the key taken."""

from __future__ import annotations

import email
import email.policy
import mailbox
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ..services.ports import AuditAnchor, AuditCheckpoint
from . import audit_bundle_verify as shipped
from .audit_chain import AuditChain
from .database import inserted
from .tables import audit_checkpoints


class AuditCheckpointStore:
    def __init__(self, conn: Connection, chain: AuditChain) -> None:
        self.conn, self.chain = conn, chain

    def claim(self, period: int, now: datetime, sent_to: str) -> AuditCheckpoint | None:
        head = self.chain.end(self.conn)
        last = self.conn.execute(select(audit_checkpoints.c.seq).order_by(audit_checkpoints.c.period.desc())).first()
        if head is None or (last is not None and last.seq >= head.seq):
            return None
        checkpoint = self.chain.checkpoint(head, now)
        row = dict(
            period=period,
            seq=checkpoint.seq,
            hash=checkpoint.hash,
            at=checkpoint.at,
            signature=checkpoint.signature,
            sent_to=sent_to,
        )
        return checkpoint if inserted(self.conn, insert(audit_checkpoints).values(**row)) else None

    def made_since(self, start: datetime) -> list[AuditCheckpoint]:
        rows = self.conn.execute(
            select(audit_checkpoints).where(audit_checkpoints.c.at >= start).order_by(audit_checkpoints.c.period)
        ).all()
        return [_checkpoint(r) for r in rows]

    def anchor(self) -> AuditAnchor | None:
        head = self.chain.end(self.conn)
        return None if head is None else AuditAnchor(head.seq, head.hash, self.chain.head_signature(head))


def _checkpoint(r) -> AuditCheckpoint:
    stamp = r.at.astimezone(UTC).isoformat(timespec="seconds")
    return AuditCheckpoint(r.seq, r.hash, r.at, r.signature, shipped.checkpoint_line(r.seq, r.hash, stamp, r.signature))


def checkpoints_in_file(path: Path) -> list[dict]:
    """The checkpoint lines in a file an auditor kept: a saved mail (.eml, any transfer encoding),
    a mailbox (mbox), or plain text; each once, in order."""
    data = Path(path).read_bytes()
    texts = [data.decode("utf-8", errors="replace")]
    if data.startswith(b"From "):  # a mailbox file (mbox) holding many mails
        messages = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default) for m in mailbox.mbox(path)]
    else:
        messages = [email.message_from_bytes(data, policy=email.policy.default)]
    for part in (p for m in messages for p in m.walk()):
        if part.get_content_type() == "text/plain":
            try:
                texts.append(part.get_content())
            except (LookupError, ValueError):
                continue
    found: dict[tuple, dict] = {}
    for text in texts:
        for c in shipped.checkpoints_in(text):
            found.setdefault((c["seq"], c["hash"], c["at"], c["signature"]), c)
    return list(found.values())
