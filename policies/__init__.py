"""The agency's account rules as data: one source of truth.

The TOML files beside this module are read by the sync service, by the realm
generator (`python -m stack realm`) and by the tests that catch drift.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Named:
    """Something the rules name: its id, its zh-Hant name, its English name."""

    id: str
    zh: str
    en: str


class Function(Named):
    """A function of the screening system a category gives access to."""


class Document(Named):
    """A document an application carries."""


@dataclass(frozen=True)
class Category(Named):
    functions: tuple[str, ...]


@dataclass(frozen=True)
class ApplicationType(Named):
    documents: tuple[str, ...]


@dataclass(frozen=True)
class PasswordRules:
    min_length: int
    max_length: int
    upper_case: int
    lower_case: int
    digits: int
    symbols: str
    min_symbols: int
    change_every_days: int
    history: int
    min_strength: int


@dataclass(frozen=True)
class LockoutRules:
    """Brute-force lockout: after `failures` wrong passwords in a row the account
    is locked, until a password reset if `permanent` (R-LCK-1, R-LCK-3)."""

    failures: int
    permanent: bool
    notice_zh: str
    notice_en: str
    # Wrong passwords after the lock for which the right one is still told "locked" (issue 21 point 6).
    holder_told_wrong_passwords: int

    def notice(self, language: str) -> str:
        """The rule as the sign-in page says it, with the number filled in."""
        text = self.notice_zh if language == "zh" else self.notice_en
        return text.format(failures=self.failures)


@dataclass(frozen=True)
class HelpDesk:
    """Where people get help and where the signed originals go (§七, §二(二))."""

    zh: str
    en: str
    phone: str
    fax: str
    email: str
    mail_originals_to_zh: str
    mail_originals_to_en: str
    portal_zh: str
    portal_en: str
    portal_url: str


@dataclass(frozen=True)
class EventRules:
    """Keycloak's stored events and their copy into the audit chain (events.toml, R-AUD-1)."""

    expiry_days: int
    user_event_types: tuple[str, ...]
    poll_every_seconds: int
    overlap_seconds: int
    page_size: int
    max_pages_per_run: int
    sweep_seconds: int
    sweep_every_seconds: int

    @property
    def expiry_seconds(self) -> int:
        return self.expiry_days * 86_400


@dataclass(frozen=True)
class Policies:
    levels: tuple[str, ...]
    functions: dict[str, Function]
    categories: dict[str, Category]
    documents: dict[str, Document]
    application_types: dict[str, ApplicationType]
    category_extra_documents: dict[str, dict[str, tuple[str, ...]]]
    password: PasswordRules
    lockout: LockoutRules
    reset_link_lifetime_seconds: int
    reset_mail_interval_seconds: int
    help_desk: HelpDesk
    events: EventRules

    def required_documents(self, application_type: str, category: str) -> tuple[str, ...]:
        """Documents an application of this type and category must carry (R-DOC-1, R-DOC-2, R-DOC-3)."""
        docs = list(self.application_types[application_type].documents)
        extra = self.category_extra_documents.get(category, {})
        docs += extra.get(application_type, ())
        return tuple(docs)


# The realm roles that belong to no category (realm-export.json defines them; a test checks).
MANAGER_ROLE = "institution-manager"  # carried by every manager-level grant group
REVIEWER_ROLE = "hpa-reviewer"  # HPA's reviewers: they decide applications through the sync service
# The vendor's staff (資拓宏宇, the system's administrator, 附件2-1 preamble; R-VEN-1): they record their
# processing on form 1, take written personal-data requests, audit and suspend; they decide no grant.
VENDOR_ROLE = "maintenance-vendor"


def category_role(category: str) -> str:
    """The realm role a grant of this category carries (mapped onto the grant groups)."""
    return f"category:{category}"


def function_role(category: str, function: str) -> str:
    """The realm role of one function of a category; composites of the category role."""
    return f"function:{category}:{function}"


def _read(name: str) -> dict[str, Any]:
    with open(HERE / name, "rb") as f:
        return tomllib.load(f)


@cache
def load() -> Policies:
    cats = _read("categories.toml")
    docs = _read("documents.toml")
    sec = _read("security.toml")
    desk = _read("helpdesk.toml")
    events = _read("events.toml")
    extra: dict[str, dict[str, tuple[str, ...]]] = {}
    for cat, spec in docs.get("category_extra_documents", {}).items():
        extra[cat] = {t: tuple(spec["documents"]) for t in spec["application_types"]}
    policies = Policies(
        levels=tuple(cats["levels"]),
        functions={k: Function(k, v["zh"], v["en"]) for k, v in cats["functions"].items()},
        categories={c["id"]: Category(c["id"], c["zh"], c["en"], tuple(c["functions"])) for c in cats["categories"]},
        documents={k: Document(k, v["zh"], v["en"]) for k, v in docs["documents"].items()},
        application_types={
            k: ApplicationType(k, v["zh"], v["en"], tuple(v["documents"])) for k, v in docs["application_types"].items()
        },
        category_extra_documents=extra,
        password=PasswordRules(**sec["password"]),
        lockout=LockoutRules(**sec["lockout"]),
        reset_link_lifetime_seconds=sec["reset"]["link_lifetime_seconds"],
        reset_mail_interval_seconds=sec["reset"]["mail_interval_seconds"],
        help_desk=HelpDesk(
            **desk["help_desk"],
            mail_originals_to_zh=desk["mail_originals_to"]["zh"],
            mail_originals_to_en=desk["mail_originals_to"]["en"],
            portal_zh=desk["portal"]["zh"],
            portal_en=desk["portal"]["en"],
            portal_url=desk["portal"]["url"],
        ),
        events=EventRules(
            expiry_days=events["store"]["expiry_days"],
            user_event_types=tuple(events["store"]["user_event_types"]),
            poll_every_seconds=events["poll"]["every_seconds"],
            overlap_seconds=events["poll"]["overlap_seconds"],
            page_size=events["poll"]["page_size"],
            max_pages_per_run=events["poll"]["max_pages_per_run"],
            sweep_seconds=events["poll"]["sweep_seconds"],
            sweep_every_seconds=events["poll"]["sweep_every_seconds"],
        ),
    )
    _check(policies)
    return policies


def _check(p: Policies) -> None:
    """Refuse a policies folder that refers to things it does not define."""
    for c in p.categories.values():
        unknown = set(c.functions) - set(p.functions)
        if unknown:
            raise ValueError(f"category {c.id} names unknown functions {sorted(unknown)}")
    for t in p.application_types.values():
        unknown = set(t.documents) - set(p.documents)
        if unknown:
            raise ValueError(f"application type {t.id} names unknown documents {sorted(unknown)}")
    for cat, by_type in p.category_extra_documents.items():
        if cat not in p.categories:
            raise ValueError(f"extra documents for unknown category {cat}")
        for docs in by_type.values():
            if set(docs) - set(p.documents):
                raise ValueError(f"extra documents of {cat} name unknown documents")


@dataclass(frozen=True)
class Letters:
    """The official letter that carries the originals (documents.toml [letters], R-DOC-4)."""

    example: str
    serial_digits_min: int
    serial_digits_max: int
    year_lag_max: int


@cache
def letters() -> Letters:
    return Letters(**_read("documents.toml")["letters"])


@dataclass(frozen=True)
class Departures:
    """Departures on their effective date (departures.toml; R-MGR-6, R-USR-2)."""

    notice_days: int  # a B with less notice is flagged to the reviewer
    user_attribute: str  # the user attribute a manager sets for a user's departure date
    check_every_seconds: int  # the worker's period for users' departures


@cache
def departures() -> Departures:
    return Departures(**_read("departures.toml"))


@dataclass(frozen=True)
class Reminders:
    """Password reminders (R-PWD-2) and access reviews (reminders.toml)."""

    password_days_before: int
    review_every_months: int
    review_answer_days: int
    review_reminder_days_before: int


@cache
def reminders() -> Reminders:
    data = _read("reminders.toml")
    rules = Reminders(
        password_days_before=data["password_reminder"]["days_before"],
        review_every_months=data["access_review"]["every_months"],
        review_answer_days=data["access_review"]["answer_days"],
        review_reminder_days_before=data["access_review"]["reminder_days_before"],
    )
    if 12 % rules.review_every_months:
        raise ValueError("access_review.every_months must divide the year (1, 2, 3, 4, 6 or 12)")
    if not 0 < rules.review_reminder_days_before < rules.review_answer_days:
        raise ValueError("access_review.reminder_days_before must fall inside answer_days")
    if not 0 < rules.password_days_before < load().password.change_every_days:
        raise ValueError("password_reminder.days_before must fall inside change_every_days")
    return rules


@cache
def printed_forms() -> dict[str, Any]:
    """The printed forms' texts (附件1, 2-1, 2-2, 3), word for word (forms.toml)."""
    return _read("forms.toml")


# ---- personal-data requests and retention (issue 12 points 6, 7; decisions 0095, 0096) ----


@dataclass(frozen=True)
class RequestKind(Named):
    """A right of the Personal Data Protection Act art. 3, and its deadline (art. 13)."""

    answer_within_days: int
    extension_days: int


@dataclass(frozen=True)
class PersonalDataRules:
    kinds: dict[str, RequestKind]
    correctable: dict[str, Named]
    kept_after_deletion_zh: str
    kept_after_deletion_en: str
    system_actors: tuple[str, ...]
    person_keys: tuple[str, ...]
    email_actor_prefix: str


@cache
def personal_data() -> PersonalDataRules:
    pd = _read("personal_data.toml")
    return PersonalDataRules(
        kinds={
            k: RequestKind(k, v["zh"], v["en"], int(v["answer_within_days"]), int(v["extension_days"]))
            for k, v in pd["kinds"].items()
        },
        correctable={k: Named(k, v["zh"], v["en"]) for k, v in pd["correctable"].items()},
        kept_after_deletion_zh=pd["kept_after_deletion"]["zh"],
        kept_after_deletion_en=pd["kept_after_deletion"]["en"],
        system_actors=tuple(pd["audit"]["system_actors"]),
        person_keys=tuple(pd["audit"]["person_keys"]),
        email_actor_prefix=pd["audit"]["email_actor_prefix"],
    )


@dataclass(frozen=True)
class Retention:
    """Days each kind of record is kept after it is closed (policies/retention.toml)."""

    applications: int
    scans: int
    personal_data_requests: int
    deleted_person_links: int
    audit_chain: int


@cache
def retention() -> Retention:
    days = _read("retention.toml")["days"]
    r = Retention(**{k: int(v) for k, v in days.items()})
    if r.scans > r.applications:
        raise ValueError("scans cannot outlive their application: retention days scans > applications")
    return r


@dataclass(frozen=True)
class LegacyImport:
    """Moving in from the old system (legacy_import.toml, docs/legacy-import.md)."""

    accounts_per_request: int
    hash_algorithms: tuple[str, ...]
    min_hash_iterations: int
    min_salt_bytes: int
    mail_batch: int
    mail_every_seconds: int


@cache
def legacy_import() -> LegacyImport:
    spec = _read("legacy_import.toml")
    return LegacyImport(
        accounts_per_request=spec["import"]["accounts_per_request"],
        hash_algorithms=tuple(spec["password_hash"]["algorithms"]),
        min_hash_iterations=spec["password_hash"]["min_iterations"],
        min_salt_bytes=spec["password_hash"]["min_salt_bytes"],
        mail_batch=spec["mail"]["batch"],
        mail_every_seconds=spec["mail"]["every_seconds"],
    )


@dataclass(frozen=True)
class AuditAnchoring:
    """Where else the audit chain's end is kept (audit.toml; decision 0136)."""

    checkpoint_every_minutes: int  # a signed checkpoint mailed to the agency, when the chain grew
    checkpoint_mail_to: str
    anchor_every_seconds: int  # the chain's end recorded in Keycloak's admin events
    anchors_checked: int  # the newest anchors `audit verify` checks


@cache
def audit() -> AuditAnchoring:
    spec = _read("audit.toml")
    rules = AuditAnchoring(
        checkpoint_every_minutes=int(spec["checkpoints"]["every_minutes"]),
        checkpoint_mail_to=str(spec["checkpoints"]["mail_to"]),
        anchor_every_seconds=int(spec["anchors"]["every_seconds"]),
        anchors_checked=int(spec["anchors"]["checked"]),
    )
    if rules.checkpoint_every_minutes <= 0 or rules.anchor_every_seconds <= 0 or "@" not in rules.checkpoint_mail_to:
        raise ValueError("audit.toml: periods must be positive and mail_to an address")
    return rules


@dataclass(frozen=True)
class Budgets:
    """What anyone can make the public pages do in a time (budgets.toml, decision 0131)."""

    type_a_tries_per_address_per_minute: int
    type_a_accepted_per_address_per_hour: int
    type_a_accepted_per_email_per_hour: int
    type_a_accepted_per_account_name_per_day: int
    type_a_accepted_everyone_per_hour: int
    status_tries_per_address_per_hour: int
    status_tries_per_reference_per_hour: int
    status_tries_everyone_per_minute: int
    scans_stored_per_document: int
    scans_uploads_per_application_per_hour: int
    scans_uploads_per_address_per_hour: int
    scans_uploads_everyone_per_hour: int

    def scaled(self, factor: int) -> Budgets:
        """Every budget times `factor` (tests that share one service among many tests)."""
        return Budgets(**{k: v * factor for k, v in self.__dict__.items()})


@cache
def budgets() -> Budgets:
    spec = _read("budgets.toml")
    return Budgets(**{f"{section}_{k}": int(v) for section, values in spec.items() for k, v in values.items()})


@dataclass(frozen=True)
class Duties:
    """Separation of duties (duties.toml, decision 0132)."""

    people_per_decision: int
    dot_blind_domains: tuple[str, ...]


@cache
def duties() -> Duties:
    spec = _read("duties.toml")
    d = Duties(int(spec["people_per_decision"]), tuple(x.lower() for x in spec["dot_blind_domains"]))
    if d.people_per_decision not in (2, 3):
        raise ValueError(
            "duties.toml: people_per_decision is 2 (the filer never decides) or 3 (nor the originals' recorder)"
        )
    return d
