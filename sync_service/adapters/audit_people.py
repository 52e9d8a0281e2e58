"""The audit chain's pseudonyms (decision 0095): the chain names people only by
a random pseudonym; this table, outside what the chain hashes, says whom each
stands for. Erasing a person clears that link here and changes no chain row,
so `audit verify` still holds and the kept entries name nobody.

An identifier is "kind:value" (`user:wang1234`, `email:wang@clinic.example.tw`),
normalised (lower case), so one person has one pseudonym per identifier.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import Connection

import policies

from .crypto import PersonalDataCipher
from .locks import AUDIT_HEAD_LOCK
from .tables import audit_people

PREFIX = "person:"
_CONTEXT = "audit-people"


def identifier(kind: str, value: str) -> str:
    return f"{kind}:{value.strip().lower()}"


def is_pseudonym(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class AuditPeople:
    def __init__(self, cipher: PersonalDataCipher) -> None:
        self.cipher = cipher
        rules = policies.personal_data()
        self.system_actors = set(rules.system_actors)
        self.person_keys = set(rules.person_keys)
        self.email_prefix = rules.email_actor_prefix

    # ---- writing: what the chain stores instead of a person ------------------

    def pseudonym_of(self, conn: Connection, ident: str, now: datetime, *, create: bool = True) -> str | None:
        """The pseudonym of an identifier, made on first use. Called under the
        chain's append lock (one writer at a time), so two writers never make two."""
        found = conn.execute(
            select(audit_people.c.pseudonym).where(audit_people.c.lookup_hash.in_(self.cipher.lookup_hashes(ident)))
        ).scalar()
        if found or not create:
            return found
        if conn.dialect.name == "postgresql":
            # Outside an append (a deletion asks for the pseudonym first): take the chain's lock too, and look again.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_HEAD_LOCK})
            found = conn.execute(
                select(audit_people.c.pseudonym).where(audit_people.c.lookup_hash.in_(self.cipher.lookup_hashes(ident)))
            ).scalar()
            if found:
                return found
        pseudonym = PREFIX + secrets.token_hex(8)
        conn.execute(
            insert(audit_people).values(
                pseudonym=pseudonym,
                lookup_hash=self.cipher.lookup_hash(ident),
                identity_ciphertext=self.cipher.encrypt(ident, context=f"{_CONTEXT}/{pseudonym}"),
                created_at=now,
            )
        )
        return pseudonym

    def actor(self, conn: Connection, actor: str | None, now: datetime) -> str | None:
        if actor is None or actor in self.system_actors or is_pseudonym(actor):
            return actor
        if actor.startswith(self.email_prefix):
            if is_pseudonym(actor[len(self.email_prefix) :]):
                return actor
            pseudonym = self.pseudonym_of(conn, identifier("email", actor[len(self.email_prefix) :]), now)
            assert pseudonym is not None  # made on first use
            return self.email_prefix + pseudonym
        return self.pseudonym_of(conn, identifier("user", actor), now)

    def payload(self, conn: Connection, value, now: datetime):
        """The payload with every person-naming value (policies: person_keys) replaced."""
        if isinstance(value, dict):
            return {
                k: (self._person(conn, k, v, now) if k in self.person_keys else self.payload(conn, v, now))
                for k, v in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self.payload(conn, v, now) for v in value]
        return value

    def _person(self, conn, key: str, value, now: datetime):
        if not isinstance(value, str) or not value or is_pseudonym(value) or value in self.system_actors:
            return value
        kind = "email" if key == "email" or "@" in value else "user"
        return self.pseudonym_of(conn, identifier(kind, value), now)

    # ---- reading and erasing -------------------------------------------------

    def resolve(self, conn: Connection, pseudonyms: Iterable[str]) -> dict[str, str | None]:
        """pseudonym -> the value it stands for ("wang1234", "x@y.tw"), None once erased."""
        wanted = {p for p in pseudonyms if is_pseudonym(p)}
        if not wanted:
            return {}
        rows = conn.execute(select(audit_people).where(audit_people.c.pseudonym.in_(wanted)))
        out: dict[str, str | None] = {p: None for p in wanted}
        for r in rows:
            if r.identity_ciphertext is not None:
                ident = self.cipher.decrypt(r.identity_ciphertext, context=f"{_CONTEXT}/{r.pseudonym}")
                out[r.pseudonym] = ident.split(":", 1)[1]
        return out

    def pseudonyms_of(self, conn: Connection, idents: Iterable[str]) -> set[str]:
        found = set()
        for ident in idents:
            p = self.pseudonym_of(conn, ident, datetime.now(), create=False)
            if p:
                found.add(p)
        return found

    def erase(self, conn: Connection, idents: Iterable[str], now: datetime) -> set[str]:
        """Forget who the pseudonyms of these identifiers stand for (the keyed digest
        stays, until retention unlinks it). Returns the pseudonyms erased."""
        erased = self.pseudonyms_of(conn, idents)
        if erased:
            conn.execute(
                update(audit_people)
                .where(audit_people.c.pseudonym.in_(erased))
                .values(identity_ciphertext=None, erased_at=now)
            )
        return erased

    @staticmethod
    def unlink_erased_before(conn: Connection, cutoff: datetime, now: datetime) -> int:
        """Retention: drop the keyed digest of people erased before `cutoff`."""
        return conn.execute(
            update(audit_people)
            .where(
                audit_people.c.erased_at.is_not(None),
                audit_people.c.erased_at < cutoff,
                audit_people.c.lookup_hash.is_not(None),
            )
            .values(lookup_hash=None, unlinked_at=now)
        ).rowcount
