"""Keycloak's own record, as the audit keeps it (R-AUD-1, decision 0090).

Keycloak stores two kinds of events: user events (sign-in, lockout, reset,
password change) and admin events (what managers do in the console). The
audit keeps of each only who, what, whom, when and from where: never the
admin event's representation (the whole user, personal data included), never
the name typed at a failed sign-in when no account has it (people type their
national ID there), never an e-mail address.

Pure code: the lookups of names and institutions are done by the caller and
handed in as `People`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

USER, ADMIN = "user", "admin"
# Sign-ins are kept in the chain but are not account or permission changes (the export leaves them out).
SIGN_IN_ACTIONS = frozenset({"keycloak.login", "keycloak.login_error", "keycloak.logout", "keycloak.logout_error"})
# Details of a user event the audit keeps (Keycloak's names, and ours: what a reset unlocked,
# UnlockOnResetListener); the rest (e-mail, redirect addresses, codes) is left in Keycloak,
# which forgets it after its expiry.
KEPT_DETAILS = ("auth_method", "reason", "custom_required_action", "credential_type", "screening_unlock")
# What an administrator's update of a person changed (decision 0123: the USER_FIELDS admin event):
# field names and masked e-mail addresses, never a personal value.
KEPT_ADMIN_DETAILS = ("screening_changed_fields", "screening_email_from", "screening_email_to")
# The chain's own end recorded in Keycloak's admin events (decision 0136): not copied back into the
# chain, which would move the very end it records, every few seconds, for ever.
AUDIT_ANCHOR_PATH = "screening-audit-anchors"


@dataclass(frozen=True)
class Person:
    """What the audit names a Keycloak account by: its name and the institutions of its grants."""

    username: str | None
    institutions: tuple[str, ...] = ()


@dataclass(frozen=True)
class People:
    """Accounts and groups looked up for one batch of events (by Keycloak id)."""

    users: Mapping[str, Person] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)  # group id -> path

    def user(self, user_id: str | None) -> Person:
        return self.users.get(user_id or "", Person(None))


@dataclass(frozen=True)
class StoredEvent:
    """One event as Keycloak's admin API returns it, with the key that records it once."""

    stream: str  # USER or ADMIN
    key: str  # unique over both streams: the stream and Keycloak's event id
    time_ms: int
    raw: Mapping[str, Any]

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.time_ms / 1000, tz=UTC)

    @property
    def subject_user_id(self) -> str | None:
        if self.stream == USER:
            return self.raw.get("userId")
        parts = (self.raw.get("resourcePath") or "").split("/")
        return parts[1] if len(parts) >= 2 and parts[0] == "users" else None

    @property
    def actor_user_id(self) -> str | None:
        if self.stream == USER:
            return self.raw.get("userId")
        return (self.raw.get("authDetails") or {}).get("userId")

    @property
    def client(self) -> str | None:
        """The client an admin event's request came through (the console's, the sync service's)."""
        return (self.raw.get("authDetails") or {}).get("clientId") if self.stream == ADMIN else None

    @property
    def group_ids(self) -> tuple[str, ...]:
        """Groups the admin event's path names (users/{id}/groups/{gid}, groups/{gid}/...)."""
        if self.stream != ADMIN:
            return ()
        parts = (self.raw.get("resourcePath") or "").split("/")
        return tuple(parts[i + 1] for i, p in enumerate(parts[:-1]) if p == "groups")


def is_audit_anchor(event: StoredEvent) -> bool:
    return event.stream == ADMIN and (event.raw.get("resourcePath") or "").startswith(AUDIT_ANCHOR_PATH + "/")


def stored_event(stream: str, raw: Mapping[str, Any]) -> StoredEvent:
    """Keycloak 26 gives every stored event an id; an event without one (older stores) is
    keyed by its content, which is as unique as Keycloak's own columns."""
    event_id = raw.get("id") or hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()
    return StoredEvent(stream, f"{stream}:{event_id}", int(raw["time"]), raw)


def removes_a_grant(event: StoredEvent, people: People) -> bool:
    """An admin event taking an account out of a grant group (`/institutions/{code}/{CAT}/users`
    or `managers`): a manager's removal in the console, or anyone's through the admin API."""
    raw = event.raw
    if event.stream != ADMIN or raw.get("resourceType") != "GROUP_MEMBERSHIP" or raw.get("operationType") != "DELETE":
        return False
    parts = [(people.groups.get(g) or "").strip("/").split("/") for g in event.group_ids]
    return any(len(p) == 4 and p[0] == "institutions" and p[3] in ("users", "managers") for p in parts)


def institution_of_group(path: str | None) -> str | None:
    parts = (path or "").strip("/").split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == "institutions" else None


def audit_fields(event: StoredEvent, people: People) -> dict[str, Any]:
    """The chain row of one event: actor, action, at and the details that say whom and from where."""
    if event.stream == USER:
        return _user_event(event, people)
    return _admin_event(event, people)


def _user_event(event: StoredEvent, people: People) -> dict[str, Any]:
    raw = event.raw
    user_id = raw.get("userId")
    person = people.user(user_id)
    # The name Keycloak noted is the account's own only when the account exists; a failed
    # sign-in with no account carries whatever was typed, possibly a national ID.
    username = person.username or ((raw.get("details") or {}).get("username") if user_id else None)
    details = {
        "event_id": raw.get("id"),
        "type": raw.get("type"),
        "user_id": user_id,
        "username": username,
        "client": raw.get("clientId"),
        "ip": raw.get("ipAddress"),
        "error": raw.get("error"),
        "institutions": list(person.institutions),
    }
    kept = {k: v for k, v in (raw.get("details") or {}).items() if k in KEPT_DETAILS}
    if kept:
        details["details"] = kept
    actor = username or (f"keycloak-user:{user_id}" if user_id else "unknown-account")
    return {
        "actor": actor,
        "action": f"keycloak.{str(raw.get('type', 'unknown')).lower()}",
        "at": event.at,
        "details": details,
    }


def _admin_event(event: StoredEvent, people: People) -> dict[str, Any]:
    raw = event.raw
    auth = raw.get("authDetails") or {}
    actor = people.user(auth.get("userId"))
    subject_id = event.subject_user_id
    subject = people.user(subject_id)
    groups = [people.groups.get(g, f"group:{g}") for g in event.group_ids]
    institutions = sorted(
        {*actor.institutions, *subject.institutions, *(i for i in map(institution_of_group, groups) if i)}
    )
    details = {
        "event_id": raw.get("id"),
        "operation": raw.get("operationType"),
        "resource": raw.get("resourceType"),
        "resource_path": raw.get("resourcePath"),
        "subject_user_id": subject_id,
        "subject": subject.username,
        "groups": groups,
        "actor_user_id": auth.get("userId"),
        "client": auth.get("clientId"),
        "ip": auth.get("ipAddress"),
        "error": raw.get("error"),
        "institutions": institutions,
    }
    kept = {k: v for k, v in (raw.get("details") or {}).items() if k in KEPT_ADMIN_DETAILS}
    if kept:
        details["details"] = kept
    name = actor.username or (f"keycloak-user:{auth['userId']}" if auth.get("userId") else "unknown-admin")
    action = f"keycloak.admin.{str(raw.get('resourceType', 'unknown')).lower()}.{str(raw.get('operationType', 'unknown')).lower()}"
    return {"actor": name, "action": action, "at": event.at, "details": details}
