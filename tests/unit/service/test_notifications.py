"""The password mail states the password rules of policies/, not a copy of them."""
from __future__ import annotations

import dataclasses

import policies
from sync_service.services import notifications
from tests.unit.domain.test_domain_grants import ready


def test_the_password_mail_reads_the_rules_from_policies(monkeypatch):
    """One source of truth (no rule id: the rules themselves are tested against the realm)."""
    real = policies.load()
    changed = dataclasses.replace(real, password=dataclasses.replace(
        real.password, min_length=14, symbols="~!", change_every_days=45))
    monkeypatch.setattr(notifications.policies, "load", lambda: changed)
    body = notifications.password_mail(ready("A", "wang1234"), "Temp~Pass2026x", message_id="<m@x>").body
    assert "至少 14 個字元" in body and "at least 14 characters" in body
    assert "（~ ! 其一）" in body and "one of ~ !," in body
    assert "每 45 天" in body and "every 45 days" in body
