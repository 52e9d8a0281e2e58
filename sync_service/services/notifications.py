"""The mails the sync service writes itself: the default password of a new manager account
(R-MGR-2, R-PWD-6) and the applicant's receipt (issue 21 point 5). zh-Hant first, English beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import policies

from ..domain import Application
from ..domain.words import taipei_text
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


def receipt_mail(app: Application, status_page: str | None, message_id: str) -> OutgoingMail:
    """The applicant's receipt (issue 21 point 5): the reference, what was filed, what comes next
    and where to look it up; zh-Hant first, English beside it."""
    p = policies.load()
    kind = p.application_types[app.type.value]
    category = p.categories[app.category]
    desk = p.help_desk
    where = f"{app.institution.name}（{app.institution.code}）"
    sent = app.submitted_at or app.form.application_date
    look_zh = f"\n查詢進度（申請編號加申請時的電子郵件）：{status_page}\n" if status_page else ""
    look_en = f"\nSee where it stands (the reference and this e-mail address): {status_page}\n" if status_page else ""
    when = taipei_text(sent) if isinstance(sent, datetime) else str(sent)
    body = f"""{app.form.applicant_name} 您好：

我們已收到您的「癌症篩檢與追蹤管理資訊整合系統」帳號申請，請記下申請編號：

  申請編號：{app.id}
  申請作業：{app.type.value}. {kind.zh}
  機構：{where}
  業務類別：{category.zh}
  帳號：{app.account}
  送出時間：{when} 臺北時間

下一步：請列印申請頁上的表單，簽名並蓋章後，以公文將正本寄至{desk.mail_originals_to_zh}。國民健康署收到正本後審核。
{look_zh}
如非您本人申請，請與系統客服聯絡：{desk.phone}（{desk.email}）。

----------------------------------------------------------------
Dear {app.form.applicant_name},

Your application for an account of the Cancer Screening and Follow-up Management Information
System is in. Keep its reference:

  Reference: {app.id}
  Application: {app.type.value}. {kind.en}
  Institution: {app.institution.name} ({app.institution.code})
  Business category: {category.en}
  Account: {app.account}
  Sent: {when} (Taipei time, UTC+8)

Next: print the forms on the application's page, sign and stamp them, and mail the originals by
official letter to {desk.mail_originals_to_en}. The Health Promotion Administration reviews the
application once the originals are in.
{look_en}
If you did not apply, contact the help desk: {desk.phone} ({desk.email}).
"""
    return OutgoingMail(
        to=app.form.email,
        subject=f"癌症篩檢系統 已收到您的申請 {app.id} / Application received",
        body=body,
        message_id=message_id,
    )
