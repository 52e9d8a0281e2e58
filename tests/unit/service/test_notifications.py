"""The new manager's password mail: where to sign in, the category in words."""
from __future__ import annotations

from datetime import date

from sync_service.domain import new_application
from sync_service.services.notifications import SignInPlaces, password_mail
from tests.support.sync import form


def test_the_mail_names_the_screening_system_the_realms_console_and_the_category_in_words():
    """Covers: R-MGR-2, R-PWD-6"""
    app = new_application(id="K7Q3-MX9P-2F4D", today=date(2026, 11, 29),
                          **form("A", "0401180014", "wang12345", category="GAS-LAB", application_date="2026-11-28"))
    places = SignInPlaces("https://screening.example.tw/", "https://sso.example.tw/admin/cancer-screening/console/")
    body = password_mail(app, "Secret~Pass123", "<m@x>", places).body
    assert "登入篩檢系統：https://screening.example.tw/" in body
    assert "https://sso.example.tw/admin/cancer-screening/console/" in body and "/admin/master" not in body
    assert "業務類別：胃癌(糞便抗原)—檢驗機構" in body and "Gastric cancer (stool antigen) — testing laboratory" in body
    assert "GAS-LAB" not in body
