"""What a person reads where the system keeps codes (issue 21 point 3): the audit's actions
and their details, the profile's attributes, grant levels and changes, the outbox's states,
named in zh-Hant and English; and every time in Taipei (UTC+8), labelled (point 4).

Pure: the pages call these through their template filters (web/page_support.py). A code this
module does not know is shown as it is, so the walk test (tests/browser/test_every_page_words.py)
finds it; tests/unit/domain/test_words.py fails first when an action or an event is added here
without its name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import policies

from .applications import TAIWAN

Words = tuple[str, str]  # (zh-Hant, English)

# How every time a person reads is labelled (the agency's clock: Asia/Taipei, no summer time).
TIME_LABEL: Words = ("臺北時間", "Taipei time, UTC+8")

# ---- the audit's actions --------------------------------------------------------------

ACTIONS: dict[str, Words] = {
    # an application's steps (domain/events.py)
    "application.submitted": ("送出申請", "application sent"),
    "application.document_attached": ("附加文件", "document attached"),
    "application.document_declared": (
        "申請人列入文件（正本尚未收到）",
        "document declared (original not received yet)",
    ),
    "application.originals_received": ("登錄正本收件", "originals recorded as received"),
    "application.approved": ("核准", "approved"),
    "application.rejected": ("退件", "rejected"),
    "application.provisioning_failed": ("開通失敗", "provisioning failed"),
    "application.provisioned": ("開通完成", "provisioned"),
    "application.vendor_processing_recorded": ("維護廠商登錄", "vendor's processing recorded"),
    "application.retried": ("重新開通", "provisioning tried again"),
    "application.cancelled": ("取消申請", "application cancelled"),
    "decision.refused": ("拒絕審核自己的申請（職務分離）", "own application not decided (separation of duties)"),
    # what the worker did in Keycloak for a decision (the grant change's kind)
    "keycloak.grant": ("開通管理者權限", "manager permission given"),
    "keycloak.revoke": ("撤銷管理者權限", "manager permission removed"),
    "keycloak.demote": ("管理者改為使用者", "manager made a user"),
    # a departure dated ahead that a later decision overtook (decision 0161): nothing changed
    "keycloak.superseded": ("已由後來的決定取代，未執行", "overtaken by a later decision, not applied"),
    "keycloak.user_departure": ("使用者離職生效，移除權限", "user's departure applied, access removed"),
    "account.imported": ("舊系統帳號匯入", "account imported from the old system"),
    "retention.applied": ("依保存期限刪除舊紀錄", "old records removed after their retention time"),
    # a person's rights over their data (R-PD-2)
    "personal_data.requested": ("提出個資請求", "personal-data request made"),
    "personal_data.extended": ("延長個資請求答覆期限", "personal-data request's deadline extended"),
    "personal_data.rejected": ("駁回個資請求", "personal-data request refused"),
    "personal_data.approved": ("核准並執行個資請求", "personal-data request approved and carried out"),
    "personal_data.copy_downloaded": ("下載個資複製本", "copy of personal data downloaded"),
    # the managers' periodic confirmation of their users
    "access-review.opened": ("開始使用者定期確認", "access review opened"),
    "access-review.answered": ("管理者完成使用者確認", "access review answered"),
    "access-review.removed": ("確認時移除使用者", "user removed in an access review"),
    "access-review.closed": ("使用者確認結案", "access review closed"),
    # suspension (停權, R-SUS-1)
    "suspension.suspended": ("停權", "suspended"),
    "suspension.applied_again": ("再次執行停權", "suspension applied again"),
    "suspension.lifted": ("解除停權，恢復權限", "suspension lifted, grants given back"),
    # audits of an institution (R-AUD-2): who looked at which institution's records, and why
    "audit.opened": (
        "查核機構（匯出帳號權限與異動紀錄）",
        "institution audited (accounts, grants and changes exported)",
    ),
}

# Keycloak's own user events as the chain keeps them ("keycloak." + the type, lower case;
# policies/events.toml lists the types stored).
KEYCLOAK_EVENTS: dict[str, Words] = {
    "LOGIN": ("登入", "signed in"),
    "LOGIN_ERROR": ("登入失敗", "sign-in failed"),
    "LOGOUT": ("登出", "signed out"),
    "LOGOUT_ERROR": ("登出失敗", "sign-out failed"),
    "USER_DISABLED_BY_PERMANENT_LOCKOUT": ("密碼錯誤過多，帳號鎖定", "account locked after wrong passwords"),
    "USER_DISABLED_BY_TEMPORARY_LOCKOUT": ("密碼錯誤過多，帳號暫時鎖定", "account locked for a while"),
    "SEND_RESET_PASSWORD": ("寄出重設密碼信", "password-reset mail sent"),
    "SEND_RESET_PASSWORD_ERROR": ("重設密碼信未寄出", "password-reset mail not sent"),
    "RESET_PASSWORD": ("重設密碼", "password reset"),
    "RESET_PASSWORD_ERROR": ("重設密碼失敗", "password reset failed"),
    "UPDATE_PASSWORD": ("變更密碼", "password changed"),
    "UPDATE_PASSWORD_ERROR": ("變更密碼失敗", "password change failed"),
    "UPDATE_CREDENTIAL": ("變更登入憑證", "sign-in credential changed"),
    "UPDATE_CREDENTIAL_ERROR": ("變更登入憑證失敗", "credential change failed"),
    "REMOVE_CREDENTIAL": ("移除登入憑證", "sign-in credential removed"),
    "UPDATE_PROFILE": ("更新個人資料", "profile updated"),
    "UPDATE_EMAIL": ("變更電子郵件", "e-mail address changed"),
    "EXECUTE_ACTIONS": ("寄出帳號設定信", "account set-up mail sent"),
    "EXECUTE_ACTIONS_ERROR": ("帳號設定信未寄出", "account set-up mail not sent"),
    "EXECUTE_ACTION_TOKEN": ("開啟帳號設定連結", "account set-up link opened"),
    "EXECUTE_ACTION_TOKEN_ERROR": ("帳號設定連結無效", "account set-up link refused"),
    "CUSTOM_REQUIRED_ACTION": ("完成登入前的必要步驟", "required step done"),
    "CUSTOM_REQUIRED_ACTION_ERROR": ("登入前的必要步驟失敗", "required step failed"),
    "IMPERSONATE": ("以他人身分登入", "impersonation"),
}

# What managers did in the console: Keycloak's admin events (resource type, operation).
ADMIN_RESOURCES: dict[str, Words] = {
    "USER": ("使用者帳號", "user account"),
    "GROUP_MEMBERSHIP": ("群組成員（權限）", "group membership (access)"),
    "GROUP": ("群組", "group"),
    "CREDENTIAL": ("密碼", "password"),
    "REALM_ROLE_MAPPING": ("角色指派", "role mapping"),
    "CLIENT_ROLE_MAPPING": ("角色指派", "role mapping"),
    "USER_SESSION": ("登入工作階段", "sign-in session"),
    "REQUIRED_ACTION": ("必要步驟", "required step"),
}
ADMIN_OPERATIONS: dict[str, Words] = {
    "CREATE": ("新增", "made"),
    "UPDATE": ("修改", "changed"),
    "DELETE": ("刪除", "removed"),
    "ACTION": ("執行動作", "action taken"),
}


def action_words(action: str) -> Words:
    """The action's name; an action this module does not know stays as it is (the walk test sees it)."""
    if action in ACTIONS:
        return ACTIONS[action]
    if action.startswith("keycloak.admin."):
        _, _, resource, operation = (action.split(".") + ["", ""])[:4]
        r, o = ADMIN_RESOURCES.get(resource.upper()), ADMIN_OPERATIONS.get(operation.upper())
        if r and o:
            return f"管理主控台：{o[0]}{r[0]}", f"admin console: {r[1]} {o[1]}"
    elif action.startswith("keycloak.") and action[9:].upper() in KEYCLOAK_EVENTS:
        return KEYCLOAK_EVENTS[action[9:].upper()]
    return action, action


# ---- who did it -----------------------------------------------------------------------

SYSTEM_ACTORS: dict[str, Words] = {
    "sync-service": ("系統（開通程式）", "the system (provisioning)"),
    "legacy-import": ("系統（舊帳號匯入）", "the system (legacy import)"),
    "retention": ("系統（保存期限）", "the system (retention)"),
    "applicant": ("申請人", "the applicant"),
    "unknown-account": ("不存在的帳號", "an account that does not exist"),
    "unknown-admin": ("管理人員", "an administrator"),
}


def actor_words(actor: str | None) -> Words:
    """Who did it: a person by account name; the system's own steps and the applicant without
    an account in words ("applicant:<e-mail>" is how a type A's applicant is recorded)."""
    if not actor:
        return "", ""
    kind, _, rest = actor.partition(":")
    if rest and kind == "applicant":
        return f"申請人（{rest}）", f"the applicant ({rest})"
    if rest and kind == "keycloak-user":
        return "已不存在的帳號", "an account that no longer exists"
    return SYSTEM_ACTORS.get(actor, (actor, actor))


# ---- grants and their changes ---------------------------------------------------------

LEVELS: dict[str, Words] = {"manager": ("管理者", "manager"), "user": ("使用者", "user")}
CHANGE_KINDS: dict[str, Words] = {
    "grant": ("開通管理者權限", "give the manager permission"),
    "revoke": ("撤銷管理者權限", "remove the manager permission"),
    "demote": ("管理者改為使用者", "make the manager a user"),
}
OUTBOX_STATES: dict[str, Words] = {
    "pending": ("處理中", "in progress"),
    "done": ("已完成", "done"),
    "failed": ("失敗", "failed"),
    "cancelled": ("已取消", "cancelled"),
}


def category_words(category: str | None, categories: Mapping[str, policies.Category]) -> Words:
    c = categories.get(category or "")
    return (c.zh, c.en) if c else (category or "", category or "")


def document_words(document: str, documents: Mapping[str, policies.Document]) -> Words:
    d = documents.get(document)
    return (d.zh, d.en) if d else (document, document)


def level_words(level: str) -> Words:
    return LEVELS.get(level, (level, level))


def institution_words(code: str, name: str | None) -> Words:
    """An institution as a person reads it: its name, then its code (the code alone when no name is known)."""
    if not name or name == code:
        return code, code
    return f"{name}（{code}）", f"{name} ({code})"


# ---- times ----------------------------------------------------------------------------


def taipei(at: datetime | date | str | int | float | None) -> datetime | None:
    """A moment in Taipei time: a datetime (naive ones are UTC, as the database keeps them), an
    ISO string, or epoch seconds or milliseconds (Keycloak's attributes keep both)."""
    if at is None or at == "":
        return None
    if isinstance(at, str):
        text = at.strip()
        if text.isdigit():
            at = int(text)
        else:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if isinstance(at, (int, float)):
        at = datetime.fromtimestamp(at / 1000 if at > 10**11 else at, tz=UTC)
    if isinstance(at, datetime):
        return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(TAIWAN)
    return None


def taipei_text(at: datetime | date | str | int | float | None, seconds: bool = False) -> str:
    """'2026-12-05 11:56' in Taipei; the page labels it (TIME_LABEL) where it shows it."""
    moment = taipei(at)
    if moment is None:
        return ""
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


# ---- a person's profile (what /my-data shows of the account) --------------------------


# The realm's own profile attributes (realm-export.json's user profile) and what Keycloak and
# our providers keep beside them. `when` says the value is a moment (epoch s or ms).
@dataclass(frozen=True)
class Attribute:
    zh: str
    en: str
    when: bool = False


ATTRIBUTES: dict[str, Attribute] = {
    "nationalId": Attribute("身分證字號／統一證號", "National ID"),
    "birthDate": Attribute("出生日期", "Date of birth"),
    "phone": Attribute("聯絡電話", "Phone"),
    "mobile": Attribute("行動電話", "Mobile phone"),
    "department": Attribute("所屬部門", "Department"),
    "title": Attribute("職稱", "Job title"),
    "departureDate": Attribute("離職／異動生效日", "Departure date"),
    "locale": Attribute("介面語言", "Language"),
    "terms_and_conditions": Attribute("同意保密暨個資同意書的時間", "Confidentiality terms accepted", when=True),
    "screening.passwordSetByOther": Attribute("密碼由他人（管理者）設定的時間", "Password set by someone else", True),
    "screening.closedAt": Attribute("帳號關閉日", "Account closed on"),
    "screening.closedBecause": Attribute("帳號關閉原因", "Why the account was closed"),
    "disabledReason": Attribute("停用原因", "Why the account is disabled"),
}
LOCALES: dict[str, Words] = {"zh-Hant": ("繁體中文", "Traditional Chinese"), "en": ("英文", "English")}
DISABLED_REASONS: dict[str, Words] = {
    "permanentLockout": ("密碼錯誤過多而鎖定", "locked after wrong passwords"),
}
CLOSED_BECAUSE: dict[str, Words] = {
    "last-grant-ended": ("最後一項權限已結束", "the last grant ended"),
    "suspended": ("停權", "suspended"),
}


@dataclass(frozen=True)
class Item:
    """One line a person reads: what it is and its value, each in both languages."""

    key: str
    label: Words
    value: Words


def profile_items(attributes: Mapping[str, list[str]]) -> list[Item]:
    """The account's attributes as a person reads them (never a key, an epoch number or a list)."""
    items = []
    for key, values in attributes.items():
        if not values:
            continue
        a = ATTRIBUTES.get(key, Attribute(key, key))
        text = "、".join(str(v) for v in values)
        if a.when:
            shown = "、".join(taipei_text(v) for v in values)
            value = (f"{shown} {TIME_LABEL[0]}", f"{shown} ({TIME_LABEL[1]})")
        elif key == "locale":
            value = LOCALES.get(text, (text, text))
        elif key == "disabledReason":
            value = DISABLED_REASONS.get(text, (text, text))
        elif key == "screening.closedBecause":
            value = CLOSED_BECAUSE.get(text, (text, text))
        else:
            value = (text, text)
        items.append(Item(key, (a.zh, a.en), value))
    return items


# ---- an audit entry's details ---------------------------------------------------------

DETAIL_LABELS: dict[str, Words] = {
    "document": ("文件", "document"),
    "documents": ("文件", "documents"),
    "letter_number": ("公文文號", "letter number"),
    "received_on": ("收文日期", "received on"),
    "replacing": ("同時撤銷的管理者", "manager replaced"),
    "reason": ("原因", "reason"),
    "failure_reason": ("先前失敗原因", "earlier failure"),
    "vendor_name": ("維護廠商", "vendor"),
    "processed_on": ("處理日期", "processed on"),
    "notes": ("備註", "notes"),
    "on_behalf_of": ("代為申請的帳號", "filed for the account"),
    "for_institution": ("依機構來函代機構提出", "filed for the institution, from its letter"),
    "filed_for": ("代為申請的對象", "filed for"),
    "change": ("變更", "change"),
    "decision": ("決定", "decision"),
    "matched": ("相符的資料", "what matched"),
    "request": ("請求編號", "request"),
    "kind": ("類別", "kind"),
    "account": ("帳號", "account"),
    "due_on": ("答覆期限", "answer by"),
    "extended_to": ("延長至", "extended to"),
    "applied": ("執行結果", "carried out"),
    "channel": ("提出方式", "how it came"),
    "suspension": ("停權編號", "suspension"),
    "scope": ("停權對象", "suspended"),
    "lift_reason": ("解除原因", "why lifted"),
    "restored": ("恢復權限筆數", "grants given back"),
    "gone": ("已不存在的帳號", "accounts gone meanwhile"),
    "suspended_grants": ("停權中一併結束的權限", "grants held aside that ended too"),
    "institutions": ("機構", "institutions"),
    "reference": ("文號或說明", "reference"),
    "from": ("自", "from"),
    "to": ("至", "to"),
    "export": ("匯出內容", "exported"),
    "grants": ("權限筆數", "grants"),
    "fee": ("行政作業費用（新臺幣元）", "administrative fee (NT$)"),
}
DETAIL_VALUES: dict[str, dict[str, Words]] = {
    "decision": {"approve": ("核准", "approve"), "reject": ("退件", "reject")},
    "reason": {
        "own_application": ("申請書為審核人員本人", "the reviewer's own application"),
        "own_filing": ("此審核人員代為提出的申請", "filed by this reviewer for someone else"),
    },
    "channel": {"online": ("線上", "online"), "written": ("書面（來函）", "in writing (a letter)")},
    "scope": {"institution": ("機構", "an institution"), "person": ("人員", "a person")},
    "filed_for": {
        "person": ("當事人", "the person"),
        "institution": ("機構（依來函）", "the institution (its letter)"),
    },
    "matched": {
        "account": ("帳號", "account"),
        "email": ("電子郵件", "e-mail"),
        "national_id": ("身分證字號", "national ID"),
    },
    "export": {
        "csv": ("異動紀錄 CSV", "the changes, CSV"),
        "bundle": ("簽章匯出檔", "the signed bundle"),
        "accounts": ("帳號與權限 CSV", "the accounts and grants, CSV"),
    },
    "kind": {
        "periodic": ("定期查核", "periodic audit"),
        "unannounced": ("不定期（不預告）查核", "unannounced audit"),
        "copy": ("複製本", "a copy"),
        "correct": ("更正", "a correction"),
        "stop": ("停止蒐集處理利用", "a stop"),
        "delete": ("刪除", "deletion"),
    },
}
HIDDEN_DETAILS = frozenset({"vendor_record", "changes", "outbox_id", "event_id"})


def _value(key: str, value: object, catalogue: policies.Policies) -> Words:
    if key in ("document", "documents"):
        ids = [value] if isinstance(value, str) else list(value) if isinstance(value, Sequence) else []
        names = [document_words(str(d), catalogue.documents) for d in ids]
        return "、".join(n[0] for n in names), "; ".join(n[1] for n in names)
    if key == "change" and isinstance(value, Mapping):
        kind = CHANGE_KINDS.get(str(value.get("kind")), (str(value.get("kind")), str(value.get("kind"))))
        cat = category_words(value.get("category"), catalogue.categories)
        code, account = value.get("institution_code", ""), value.get("account", "")
        new = ("（新建帳號）", " (new account)") if value.get("create_account") else ("", "")
        return (
            f"{kind[0]}：帳號 {account}，機構 {code}，{cat[0]}{new[0]}",
            f"{kind[1]}: account {account}, institution {code}, {cat[1]}{new[1]}",
        )
    if key in DETAIL_VALUES and isinstance(value, str) and value in DETAIL_VALUES[key]:
        return DETAIL_VALUES[key][value]
    if isinstance(value, bool):
        return ("是", "yes") if value else ("否", "no")
    if isinstance(value, datetime):
        text = taipei_text(value)
        return f"{text} {TIME_LABEL[0]}", f"{text} ({TIME_LABEL[1]})"
    if isinstance(value, date):
        return value.isoformat(), value.isoformat()
    if isinstance(value, Mapping):
        parts = [
            (DETAIL_LABELS.get(k, (k, k)), _value(k, v, catalogue)) for k, v in value.items() if v not in (None, "", [])
        ]
        return "；".join(f"{lab[0]}：{v[0]}" for lab, v in parts), "; ".join(f"{lab[1]}: {v[1]}" for lab, v in parts)
    if isinstance(value, (list, tuple)):
        shown = [_value(key, v, catalogue) for v in value]
        return "、".join(s[0] for s in shown), "; ".join(s[1] for s in shown)
    return str(value), str(value)


def detail_items(details: Mapping[str, object] | None, catalogue: policies.Policies) -> list[Item]:
    """An audit entry's details as a person reads them: named, values in words, nothing empty.
    `catalogue` names the documents and categories they mention (policies/)."""
    items = []
    for key, value in (details or {}).items():
        if key in HIDDEN_DETAILS or value in (None, "", [], (), {}):
            continue
        items.append(Item(key, DETAIL_LABELS.get(key, (key, key)), _value(key, value, catalogue)))
    return items
