"""Suspension (停權, R-SUS-1): 附件2-1 九 「若本單位違反以上事項，機關或資拓宏宇得以停權處分」.

HPA or the vendor suspends an institution (every grant of every category there) or one person
(every grant they hold), with a reason and a reference (the letter or case number). Nothing is
deleted: what the suspension takes away is kept with it, exactly, and lifting it gives exactly
that back. The service layer takes the grants away in Keycloak and ends the sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import fields
from .errors import DomainError, FieldError, FormInvalid
from .grants import Grant, Level

INSTITUTION, PERSON = "institution", "person"
# The key a suspended person's account carries in `screening.closedBecause` (TEAM.md's interface
# with the closing of decision 0126 and the sign-in page's message).
SUSPENDED = "suspended"


@dataclass(frozen=True)
class HeldGrant:
    """One grant a suspension took away, as it was: whose (by account id and name) and which."""

    account_id: str
    username: str
    grant: Grant
    ended: bool = False  # ended while suspended (a departure date): not given back


@dataclass(frozen=True)
class PersonState:
    """A suspended person's account as it was before: enabled or not, and closed or not (and why, since when)."""

    enabled: bool
    closed_on: str | None = None
    closed_because: str | None = None


@dataclass
class Suspension:
    id: str
    scope: str  # institution, person
    reason: str
    reference: str
    suspended_by: str
    suspended_at: datetime
    institution_code: str | None = None
    account: str | None = None  # a person's account name
    account_id: str | None = None
    held: list[HeldGrant] = field(default_factory=list)  # what an institution's suspension took away
    person_state: PersonState | None = None
    lifted_by: str | None = None
    lifted_at: datetime | None = None
    lift_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    @property
    def managers(self) -> list[HeldGrant]:
        """The institution's managers when it was suspended: they are told (R-SUS-1)."""
        return [h for h in self.held if h.grant.level is Level.MANAGER]

    def lift(self, *, by: str, at: datetime, reason: object) -> None:
        if not self.active:
            raise DomainError("suspension.lifted", "此停權已解除", "This suspension has been lifted already")
        self.lift_reason = fields.parse_text(reason, "lift_reason", "解除原因", "Reason for lifting", 500)
        self.lifted_by, self.lifted_at = by, at


def new_suspension(
    *,
    id: str,
    scope: str,
    reason: object,
    reference: object,
    by: str,
    at: datetime,
    institution_code: object = None,
    account: object = None,
) -> Suspension:
    """A suspension from what staff typed; every mistake at once (FormInvalid)."""
    errors: list[FieldError] = []
    values: dict[str, str] = {}

    def take(name: str, parse) -> None:  # type: ignore[no-untyped-def]
        try:
            values[name] = parse()
        except FieldError as e:
            errors.append(e)

    take(
        "reason", lambda: fields.refuse_markup(fields.parse_text(reason, "reason", "停權原因", "Reason", 500), "reason")
    )
    take(
        "reference",
        lambda: fields.parse_text(reference, "reference", "公文文號或案號", "Reference (letter or case)", 50),
    )
    if scope == INSTITUTION:
        take("institution_code", lambda: fields.parse_institution_code(institution_code))
    elif scope == PERSON:
        take("account", lambda: fields.parse_existing_account_name(account))
    else:
        errors.append(FieldError("scope.unknown", "scope", "請選擇停權對象", "Choose what to suspend"))
    if errors:
        raise FormInvalid(errors)
    return Suspension(
        id=id,
        scope=scope,
        reason=values["reason"],
        reference=values["reference"],
        suspended_by=by,
        suspended_at=at,
        institution_code=values.get("institution_code"),
        account=values.get("account"),
    )
