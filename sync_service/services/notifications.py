"""The one mail the sync service sends itself: the default password of a new
manager account (R-MGR-2, R-PWD-6). zh-Hant first, English beside it."""

from __future__ import annotations

from dataclasses import dataclass

import policies

from ..domain import Application
from .ports import OutgoingMail


@dataclass(frozen=True)
class SignInPlaces:
    """Where a new manager signs in: the screening system, and the realm's own
    admin console (where managers administer their users; never master's)."""

    screening_system: str
    admin_console: str
    # The sync service's managers' page (decision 0127): people with access elsewhere, adding an existing account.
    managers_page: str | None = None


def password_rules() -> tuple[str, str]:
    """The password rules a new manager must follow, in zh-Hant and English, from
    policies/security.toml (R-PWD-2, R-PWD-3): the mail never states other numbers
    than the realm enforces."""
    rules = policies.load().password
    symbols = " ".join(rules.symbols)
    zh = (
        f"新密碼須至少 {rules.min_length} 個字元，包含大寫字母、小寫字母、數字及符號（{symbols} 其一），"
        f"且不得含生日、身分證字號、電話等個人資料；密碼每 {rules.change_every_days} 天須更換一次。"
    )
    en = (
        f"The new password needs\nat least {rules.min_length} characters with upper- and lower-case letters, "
        f"digits and one of {symbols},\nand no personal data (birthday, national ID, phone number); "
        f"it is changed every {rules.change_every_days} days."
    )
    return zh, en


def password_mail(app: Application, password: str, message_id: str, places: SignInPlaces | None = None) -> OutgoingMail:
    name = app.form.applicant_name
    rules_zh, rules_en = password_rules()
    where = f"{app.institution.name}（{app.institution.code}）"
    category = policies.load().categories[app.category]
    if places:
        sign_in_zh = (
            f"\n登入篩檢系統：{places.screening_system}\n管理本機構使用者（管理主控台）：{places.admin_console}\n"
        )
        sign_in_en = (
            f"\nSign in to the screening system: {places.screening_system}\n"
            f"Administer your institution's users (admin console): {places.admin_console}\n"
        )
        if places.managers_page:
            sign_in_zh += f"加入已有帳號的人員、在其他機構也有權限的使用者（管理使用者頁）：{places.managers_page}\n"
            sign_in_en += (
                f"Add a person who already has an account; users with access elsewhere (managers' page): "
                f"{places.managers_page}\n"
            )
    else:
        sign_in_zh = sign_in_en = ""
    body = f"""{name} 您好：

您申請的「癌症篩檢與追蹤管理資訊整合系統」管理者帳號已經國民健康署核准開通。

  機構：{where}
  業務類別：{category.zh}
  帳號：{app.account}
  預設密碼：{password}

首次登入時，系統會請您確認個人資料、閱讀並同意保密及個人資料提供同意事項，並立即變更預設密碼。
{rules_zh}
此帳號僅限本人使用，不得借用或轉讓。如非您本人申請，請勿使用並與國民健康署聯繫。
{sign_in_zh}
----------------------------------------------------------------
Dear {name},

Your manager account for the Cancer Screening and Follow-up Management Information
Integration System has been approved by the Health Promotion Administration.

  Institution: {app.institution.name} ({app.institution.code})
  Business category: {category.en}
  Account: {app.account}
  Default password: {password}

At your first sign-in you will confirm your profile, accept the confidentiality and
personal-data terms and replace this default password at once. {rules_en}
The account is personal: never share or transfer it. If you did not apply, do not use it
and contact the Health Promotion Administration.
{sign_in_en}"""
    return OutgoingMail(
        to=app.form.email,
        subject="癌症篩檢資訊整合系統管理者帳號開通通知 / Your screening system manager account",
        body=body,
        message_id=message_id,
    )
