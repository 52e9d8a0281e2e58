"""The periodic job that copies Keycloak's stored events into the audit chain
(R-AUD-1, decision 0090): nothing lost while the worker is down, nothing twice.

Keycloak answers a query by time, inclusive at both ends, to the millisecond,
ordered by time only: events stamped in the same millisecond come in no fixed
order, so paging with an offset could skip one. The job therefore pages by
time: the next page starts at the last page's newest millisecond (inclusive,
so that millisecond is read again whole), and a page that is all one
millisecond is read whole with that millisecond as both ends.

Keycloak stamps an event when it is made and stores it when its request
commits, so an event can turn up after a later-stamped one was read. Each run
starts `overlap` before the newest event it recorded; the events' keys,
stored with the chain rows and the cursor in one transaction, keep a re-read
event from being recorded again, also with two workers at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from ..domain.keycloak_events import (
    ADMIN,
    USER,
    People,
    StoredEvent,
    audit_fields,
    is_audit_anchor,
    removes_a_grant,
)
from . import closing
from .ports import AuditEntry, EventSource, UnitOfWork

log = logging.getLogger(__name__)

JOB_NAME = "keycloak-events"


class _CachedNames:
    """The names looked up once per run: a catch-up meets the same people on many pages."""

    def __init__(self, source: EventSource) -> None:
        self.source = source
        self.users: dict[str, Any] = {}
        self.groups: dict[str, Any] = {}

    def events(self, *args: Any) -> list[dict[str, Any]]:
        return self.source.events(*args)

    def people(self, user_ids: set[str], group_ids: set[str]) -> People:
        missing_users, missing_groups = user_ids - self.users.keys(), group_ids - self.groups.keys()
        if missing_users or missing_groups:
            found = self.source.people(missing_users, missing_groups)
            self.users.update({u: found.users.get(u) for u in missing_users})
            self.groups.update({g: found.groups.get(g) for g in missing_groups})
        return People(
            {u: self.users[u] for u in user_ids if self.users[u] is not None},
            {g: self.groups[g] for g in group_ids if self.groups[g] is not None},
        )


class KeycloakEventPoll:
    """`ScheduledJob` (services/schedule.py): run(now) copies what is new since the last run."""

    name = JOB_NAME

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        source_factory: Callable[[], EventSource],
        *,
        every: timedelta,
        overlap: timedelta,
        page_size: int,
        max_pages: int = 25,
        start_now: bool = False,
        sweep: timedelta = timedelta(minutes=2),
        sweep_every: timedelta = timedelta(minutes=1),
        grant_removed: Callable[[str, datetime], bool] | None = None,
        own_client: str | None = None,
    ) -> None:
        self.uow_factory, self.source_factory = uow_factory, source_factory
        # A grant taken away in the console (not by us: `own_client` is the service's own
        # client, whose removals close the account where they are made): `grant_removed(account
        # id, at)` closes the account when nothing is left, True when it is closed (R-ACC-2).
        self.grant_removed, self.own_client = grant_removed, own_client
        self.every, self.overlap_ms, self.page_size = every, int(overlap.total_seconds() * 1000), page_size
        # Now and then a run reads a longer way back: an event whose request took long to commit
        # (Keycloak overloaded) is found though newer ones were recorded meanwhile.
        self.sweep_ms, self.sweep_every = int(sweep.total_seconds() * 1000), sweep_every
        self._swept_at: datetime | None = None  # in memory: a restarted worker sweeps first
        self.max_pages = max_pages
        self.start_now = start_now  # a database with no cursor yet starts now, not at Keycloak's oldest event
        self._source: EventSource | None = None  # kept between runs (its session and token), dropped on error

    def run(self, now: datetime) -> str:
        if self._source is None:
            self._source = self.source_factory()
        source = _CachedNames(self._source)
        counts = {}
        sweeping = self._swept_at is None or now - self._swept_at >= self.sweep_every
        try:
            for stream in (USER, ADMIN):
                counts[stream] = self._copy(source, stream, now, self.sweep_ms if sweeping else self.overlap_ms)
        except Exception:
            self._source = None  # Keycloak restarted, a token expired: a fresh client next run
            raise
        if sweeping:
            self._swept_at = now
        return f"recorded {counts[USER]} user events, {counts[ADMIN]} admin events"

    def _copy(self, source: EventSource, stream: str, now: datetime, back_ms: int) -> int:
        with self.uow_factory() as uow:
            cursor = uow.keycloak_events.cursor(stream)
        if cursor is None and self.start_now:
            cursor = int(now.timestamp() * 1000)
            with self.uow_factory() as uow:  # kept, so a quiet first run does not move the start on
                uow.keycloak_events.lock()
                uow.keycloak_events.advance(stream, cursor, forget_before=0)
                uow.commit()
        start = max(0, cursor - back_ms) if cursor is not None else 0
        recorded, pages_with_news, pages_read = 0, 0, 0
        for page in self._pages(source, stream, start):
            written = self._record(source, stream, page)
            recorded += written
            pages_read += 1
            pages_with_news += bool(written)
            # The next run goes on from the cursor. Pages of the overlap, read again and holding
            # nothing new, do not count (else a burst within the overlap would stall the copy),
            # but a run still ends somewhere.
            if pages_with_news >= self.max_pages or pages_read >= 10 * self.max_pages:
                break
        return recorded

    def _pages(self, source: EventSource, stream: str, start: int) -> Iterator[list[StoredEvent]]:
        from ..domain.keycloak_events import stored_event

        date_from = start
        while True:
            page = [stored_event(stream, e) for e in source.events(stream, date_from, None, 0, self.page_size)]
            if page:
                yield page
            if len(page) < self.page_size:
                return
            newest = max(e.time_ms for e in page)
            if newest > date_from:
                date_from = newest  # that millisecond is read again whole on the next page
                continue
            # A full page all in one millisecond: read that millisecond alone, whole, in one
            # query (an offset into it would meet a new order of the same events each time).
            size = self.page_size * 4
            while True:
                same = source.events(stream, date_from, date_from, 0, size)
                if len(same) < size:
                    yield [stored_event(stream, e) for e in same]
                    break
                size *= 4
            date_from += 1

    def _record(self, source: EventSource, stream: str, page: Sequence[StoredEvent]) -> int:
        with self.uow_factory() as uow:
            fresh = uow.keycloak_events.unrecorded([e.key for e in page])
        new = sorted({e.key: e for e in page if e.key in fresh}.values(), key=lambda e: (e.time_ms, e.key))
        new = [e for e in new if not is_audit_anchor(e)]  # passed over each time they are read
        # Names are looked up outside the transaction (Keycloak calls), once per page.
        people = (
            source.people(
                {i for e in new for i in (e.actor_user_id, e.subject_user_id) if i},
                {g for e in new for g in e.group_ids},
            )
            if new
            else People()
        )
        closed = self._closings(new, people)
        with self.uow_factory() as uow:
            uow.keycloak_events.lock()
            # Checked again under the lock: another worker may have recorded them meanwhile.
            fresh = uow.keycloak_events.unrecorded([e.key for e in new])
            written = [e for e in new if e.key in fresh]
            for e in written:
                fields = audit_fields(e, people)
                uow.record(
                    AuditEntry(
                        actor=fields["actor"], action=fields["action"], at=fields["at"], details=fields["details"]
                    )
                )
                if e.key in closed:
                    uow.record(closed[e.key])
            uow.keycloak_events.mark_recorded([(e.key, e.time_ms) for e in written])
            newest = max(e.time_ms for e in page)
            uow.keycloak_events.advance(stream, newest, forget_before=newest - 2 * max(self.overlap_ms, self.sweep_ms))
            uow.commit()
        return len(written)

    def _closings(self, events: Sequence[StoredEvent], people: People) -> dict[str, AuditEntry]:
        """The accounts a console removal left with nothing, closed now (Keycloak calls, before the
        events are recorded: a failure leaves them to be read again): the audit row of each, by event."""
        if self.grant_removed is None:
            return {}
        rows = {}
        for e in events:
            account_id = e.subject_user_id
            if account_id is None or not removes_a_grant(e, people) or e.client == self.own_client:
                continue
            if self.grant_removed(account_id, e.at):
                rows[e.key] = closing.audit_entry(
                    closing.AccountChange.CLOSED,
                    actor=audit_fields(e, people)["actor"],
                    username=people.user(account_id).username or f"keycloak-user:{account_id}",
                    at=e.at,
                    after="grant-removed",
                )
        return rows
