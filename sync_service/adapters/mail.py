"""The `Mailer` port over SMTP."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from ..services.ports import MailUnavailable, OutgoingMail


class SmtpMailer:
    def __init__(self, host: str, port: int, sender: str, timeout: float = 20) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout

    def send(self, mail: OutgoingMail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = mail.message_id
        message["Content-Language"] = "zh-Hant, en"
        message.set_content(mail.body, charset="utf-8")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as e:
            raise MailUnavailable(f"{type(e).__name__}: {e}") from e
