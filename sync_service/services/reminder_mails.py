"""The mails of the periodic duties: password reminders (R-PWD-2) and access
reviews. zh-Hant first, English beside it; dates in Taiwan time."""

from __future__ import annotations

from datetime import date, datetime

import policies

from ..domain import taiwan_date
from ..domain.words import Words
from .ports import AccessReview, OutgoingMail


def _day(d: date) -> str:
    return d.isoformat()


def password_reminder(to: str, username: str, due_at: datetime, change_at: str, message_id: str) -> OutgoingMail:
    days = policies.load().password.change_every_days
    due = _day(taiwan_date(due_at))
    body = f"""{username} 您好：

您在「癌症篩檢與追蹤管理資訊整合系統」的密碼依規定每 {days} 天須更換一次，
目前的密碼將於 {due} 到期。請於到期前登入下列網址變更密碼：

  {change_at}

到期後首次登入時，系統會要求您先設定新密碼。若您已變更密碼，請忽略本信。

----------------------------------------------------------------
Dear {username},

Passwords of the Cancer Screening Information Integration System must be changed every
{days} days; your current password falls due on {due}. Please sign in and change it
before then at:

  {change_at}

After that date you will be asked for a new password at your next sign-in. If you have
changed it already, please ignore this mail.
"""
    return OutgoingMail(
        to=to,
        subject=f"密碼將於 {due} 到期，請變更 / Your password falls due on {due}",
        body=body,
        message_id=message_id,
    )


def _pair(review: AccessReview, institution: Words) -> tuple[str, str]:
    """The pair in words: the institution by its name beside its code, the category by its name."""
    category = policies.load().categories[review.category]
    return (
        f"機構 {institution[0]}，業務類別「{category.zh}」",
        f"{institution[1]}, category {category.en}",
    )


def review_opened(
    to: str, review: AccessReview, institution: Words, users: int, last_day: date, page: str, message_id: str
) -> OutgoingMail:
    zh_pair, en_pair = _pair(review, institution)
    body = f"""{review.manager_username} 您好：

國民健康署每季請各機構管理者確認使用者名單。請確認下列帳號的使用者仍在貴機構任職：
  {zh_pair}，共 {users} 個使用者帳號。

請於 {_day(last_day)}（含）前登入下列網頁逐一確認：
  {page}

截止時仍未確認的使用者將失去此業務類別的權限。

----------------------------------------------------------------
Dear {review.manager_username},

Each quarter the Health Promotion Administration asks every institution's manager to
confirm its users. Please confirm that the users of
  {en_pair} ({users} user accounts)
still work at your institution, by {_day(last_day)} (inclusive), on this page:
  {page}

Users not confirmed by then lose their access to this category.
"""
    return OutgoingMail(
        to=to,
        subject=f"請於 {_day(last_day)} 前確認使用者名單 / Please confirm your users by {_day(last_day)}",
        body=body,
        message_id=message_id,
    )


def review_reminder(
    to: str, review: AccessReview, institution: Words, pending: int, last_day: date, page: str, message_id: str
) -> OutgoingMail:
    zh_pair, en_pair = _pair(review, institution)
    body = f"""{review.manager_username} 您好：

提醒您：{zh_pair} 尚有 {pending} 個使用者帳號未確認。
請於 {_day(last_day)}（含）前登入確認：
  {page}

截止時仍未確認的使用者將失去此業務類別的權限。

----------------------------------------------------------------
Dear {review.manager_username},

A reminder: {pending} users of {en_pair} are not confirmed yet.
Please confirm them by {_day(last_day)} (inclusive) on:
  {page}

Users not confirmed by then lose their access to this category.
"""
    return OutgoingMail(
        to=to,
        subject=f"提醒：{_day(last_day)} 前請確認使用者名單 / Reminder: confirm your users by {_day(last_day)}",
        body=body,
        message_id=message_id,
    )
