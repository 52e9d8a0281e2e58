"""The realm pieces derived from policies/: computed here, written into realm-export.json.

`python -m stack realm` rewrites them; `python -m stack realm --check` (and the
drift test) lists where the file and policies/ disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

import policies as policies_pkg
from policies import Policies, category_role, function_role

from .paths import REALM_FILE

RESET_LIFESPAN_KEY = "actionTokenGeneratedByUserLifespan.reset-credentials"
# Read by the reset step's mail job (ResetMail.INTERVAL_ATTRIBUTE in keycloak-config/providers).
RESET_MAIL_INTERVAL_KEY = "screeningResetMailIntervalSeconds"
# Read by the sign-in form (HolderToldForm in keycloak-config/providers): how long a locked
# account's right password is still told "locked", and whom the holder of a closed account calls.
LOCKED_PASSWORD_LOOKS_KEY = "screeningLockedPasswordLooks"
HELP_DESK_PHONE_KEY = "screeningHelpDeskPhone"
HELP_DESK_EMAIL_KEY = "screeningHelpDeskEmail"
# Admin events' expiry (seconds) is a realm attribute, not a field of the representation.
ADMIN_EVENTS_EXPIRATION_KEY = "adminEventsExpiration"
GENERATED = "generated from policies/; edit policies/ and run `python -m stack realm`"


def password_policy(p: Policies) -> str:
    pw = p.password
    symbols = pw.symbols
    # The whole password must match (Java matches()): only letters, digits and the
    # agency's symbols, with at least one of those symbols (R-PWD-3).
    regex = f"^(?=.*[{symbols}])[A-Za-z0-9{symbols}]+$"
    terms = [
        f"length({pw.min_length})",
        f"maxLength({pw.max_length})",
        f"upperCase({pw.upper_case})",
        f"lowerCase({pw.lower_case})",
        f"digits({pw.digits})",
        f"specialChars({pw.min_symbols})",
        f"regexPattern({regex})",
        "notUsername(undefined)",
        "notContainsUsername(undefined)",
        "notEmail(undefined)",
        f"passwordHistory({pw.history})",
        f"forceExpiredPasswordChange({pw.change_every_days})",
        # Our extensions (keycloak-config/providers): R-PWD-5 and R-PWD-4.
        "noPersonalData",
        f"passwordStrength({pw.min_strength})",
    ]
    return " and ".join(terms)


def realm_roles(p: Policies) -> list[dict]:
    """A role per category, composite of a role per function it carries (R-CAT-2)."""
    roles = []
    for cat in p.categories.values():
        fn_roles = [function_role(cat.id, f) for f in cat.functions]
        roles.append(
            {
                "name": category_role(cat.id),
                "description": f"{cat.zh} / {cat.en} ({GENERATED})",
                "composite": bool(fn_roles),
                **({"composites": {"realm": fn_roles}} if fn_roles else {}),
                "attributes": {"category": [cat.id]},
            }
        )
        for f in cat.functions:
            fn = p.functions[f]
            roles.append(
                {
                    "name": function_role(cat.id, f),
                    "description": f"{cat.zh}：{fn.zh} / {cat.en}: {fn.en} ({GENERATED})",
                    "composite": False,
                    "attributes": {"category": [cat.id], "function": [f]},
                }
            )
    return roles


# Realm texts whose words or numbers come from policies/ (the sign-in page shows the lockout rule;
# the admin console's denial page the help desk, decision 0150).
GENERATED_TEXTS = ("screeningLockoutRule", "screeningHelpDesk")


def localization_texts(p: Policies) -> dict[str, dict[str, str]]:
    desk = p.help_desk
    return {
        "zh-Hant": {
            "screeningLockoutRule": p.lockout.notice("zh"),
            "screeningHelpDesk": f"有疑問請洽{desk.zh}：電話 {desk.phone}，電子郵件 {desk.email}。",
        },
        "en": {
            "screeningLockoutRule": p.lockout.notice("en"),
            "screeningHelpDesk": f"Questions: {desk.en}, phone {desk.phone}, e-mail {desk.email}.",
        },
    }


def derived(p: Policies) -> dict:
    """Realm settings that follow from policies/, keyed by their place in the export."""
    return {
        "passwordPolicy": password_policy(p),
        "bruteForceProtected": True,
        "permanentLockout": p.lockout.permanent,
        "failureFactor": p.lockout.failures,
        "maxTemporaryLockouts": 0,
        # The quick-login check would lock temporarily on two fast failures, and failures
        # during a temporary lockout are not counted: the third failure must lock for good.
        "quickLoginCheckMilliSeconds": 0,
        f"attributes.{RESET_LIFESPAN_KEY}": str(p.reset_link_lifetime_seconds),
        # The console's set-password mail (execute-actions) takes this as its link's lifetime (R-LCK-4).
        "actionTokenGeneratedByAdminLifespan": p.reset_link_lifetime_seconds,
        f"attributes.{RESET_MAIL_INTERVAL_KEY}": str(p.reset_mail_interval_seconds),
        f"attributes.{LOCKED_PASSWORD_LOOKS_KEY}": str(p.lockout.holder_told_wrong_passwords),
        f"attributes.{HELP_DESK_PHONE_KEY}": p.help_desk.phone,
        f"attributes.{HELP_DESK_EMAIL_KEY}": p.help_desk.email,
        # Keycloak's own record, read by the sync service's poller (policies/events.toml, decision 0090).
        "eventsEnabled": True,
        "eventsExpiration": p.events.expiry_seconds,
        "enabledEventTypes": list(p.events.user_event_types),
        "adminEventsEnabled": True,
        "adminEventsDetailsEnabled": False,  # the representation is the whole user, personal data included
        f"attributes.{ADMIN_EVENTS_EXPIRATION_KEY}": str(p.events.expiry_seconds),
        "roles.realm[generated]": realm_roles(p),
        "localizationTexts[generated]": localization_texts(p),
    }


def _is_generated(role: dict) -> bool:
    return role["name"].startswith(("category:", "function:"))


def read(realm: dict, key: str):
    if key == "localizationTexts[generated]":
        return {
            locale: {k: v for k, v in texts.items() if k in GENERATED_TEXTS}
            for locale, texts in realm.get("localizationTexts", {}).items()
            if any(k in GENERATED_TEXTS for k in texts)
        }
    if key == "roles.realm[generated]":
        return [r for r in realm.get("roles", {}).get("realm", []) if _is_generated(r)]
    if key.startswith("attributes."):
        return realm.get("attributes", {}).get(key.removeprefix("attributes."))
    return realm.get(key)


def write(realm: dict, key: str, value) -> None:
    if key == "localizationTexts[generated]":
        for locale, texts in value.items():
            realm.setdefault("localizationTexts", {}).setdefault(locale, {}).update(texts)
    elif key == "roles.realm[generated]":
        roles = realm.setdefault("roles", {}).setdefault("realm", [])
        roles[:] = [r for r in roles if not _is_generated(r)] + value
    elif key.startswith("attributes."):
        realm.setdefault("attributes", {})[key.removeprefix("attributes.")] = value
    else:
        realm[key] = value


def drift(realm: dict, p: Policies) -> list[str]:
    """Where the realm and policies/ disagree, one line each."""
    out = []
    for key, want in derived(p).items():
        have = read(realm, key)
        if have != want:
            out.append(
                f"{key}: realm has {json.dumps(have, ensure_ascii=False)[:200]}, "
                f"policies/ want {json.dumps(want, ensure_ascii=False)[:200]}"
            )
    return out


def regenerate(path: Path = REALM_FILE) -> list[str]:
    realm = json.loads(path.read_text())
    p = policies_pkg.load()
    changes = drift(realm, p)
    for key, value in derived(p).items():
        write(realm, key, value)
    path.write_text(json.dumps(realm, ensure_ascii=False, indent=2) + "\n")
    return changes


def realm_env(secrets: dict, ports: dict, sync_url: str | None = None) -> dict[str, str]:
    """Values for the ${...} placeholders of realm-export.json. `sync_url`: where people reach
    the sync service's pages (the reviewer-pages client's redirects), when not straight at its port."""
    return {
        "SCREENING_SMTP_PORT": str(ports["smtp"]),
        "SCREENING_CLIENT_SECRET": secrets["SCREENING_CLIENT_SECRET"],
        "SYNC_SERVICE_CLIENT_SECRET": secrets["SYNC_SERVICE_CLIENT_SECRET"],
        "REVIEWER_CLIENT_SECRET": secrets["REVIEWER_CLIENT_SECRET"],
        "SCREENING_RP_URL": f"http://127.0.0.1:{ports['screening-client']}",
        "SYNC_SERVICE_URL": sync_url or f"http://127.0.0.1:{ports['sync-service']}",
    }
