"""The new manager's password mail: the rules of policies/ (not a copy of them),
where to sign in, and the category in words."""

from __future__ import annotations

import dataclasses
from datetime import date

import policies
from sync_service.domain import new_application
from sync_service.services import notifications
from sync_service.services.notifications import SignInPlaces, password_mail
from tests.support.sync import form
from tests.unit.domain.test_domain_grants import ready


def test_the_password_mail_reads_the_rules_from_policies(monkeypatch):
    """One source of truth (no rule id: the rules themselves are tested against the realm)."""
    real = policies.load()
    changed = dataclasses.replace(
        real, password=dataclasses.replace(real.password, min_length=14, symbols="~!", change_every_days=45)
    )
    monkeypatch.setattr(policies, "load", lambda: changed)
    body = notifications.password_mail(ready("A", "wang1234"), "Temp~Pass2026x", message_id="<m@x>").body
    assert "至少 14 個字元" in body and "at least 14 characters" in body
    assert "（~ ! 其一）" in body and "one of ~ !," in body
    assert "每 45 天" in body and "every 45 days" in body


def test_the_mail_names_the_screening_system_the_realms_console_and_the_category_in_words():
    """Covers: R-MGR-2"""
    app = new_application(
        catalogue=policies.load(),
        id="K7Q3-MX9P-2F4D",
        today=date(2026, 11, 29),
        **form("A", "0401180014", "wang12345", category="GAS-LAB", application_date="2026-11-28"),
    )
    places = SignInPlaces("https://screening.example.tw/", "https://sso.example.tw/admin/cancer-screening/console/")
    body = password_mail(app, "Secret~Pass123", "<m@x>", places).body
    assert "登入篩檢系統：https://screening.example.tw/" in body
    assert "https://sso.example.tw/admin/cancer-screening/console/" in body and "/admin/master" not in body
    assert "業務類別：胃癌(糞便抗原)—檢驗機構" in body and "Gastric cancer (stool antigen) — testing laboratory" in body
    assert "GAS-LAB" not in body
