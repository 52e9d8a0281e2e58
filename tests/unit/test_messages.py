"""The words of the themes (login, e-mail, admin) as files: quoting, both languages, one wording.

Keycloak formats every theme message with java.text.MessageFormat, where a single quote starts
a quoted section and disappears ("Administration's" reads "Administrations"); a quote is
written ''.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

THEMES = ROOT / "keycloak-config" / "themes"
FILES = sorted(THEMES.rglob("*.properties"))
MESSAGE_FILES = [f for f in FILES if f.parent.name == "messages"]
LONE_QUOTE = re.compile(r"(?<!')'(?!')")


def read_properties(path: Path) -> dict[str, str]:
    """key -> value as written (escapes kept), continuation lines joined."""
    out, pending = {}, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith(("#", "!"))):
            continue
        text = pending + (line.lstrip() if pending else line)
        trailing = len(text) - len(text.rstrip("\\"))
        if trailing % 2:
            pending = text[:-1]
            continue
        pending = ""
        key, _, value = text.partition("=")
        out[key.strip()] = value
    return out


def test_the_themes_have_message_files():
    assert len(MESSAGE_FILES) >= 6, MESSAGE_FILES


@pytest.mark.parametrize("path", MESSAGE_FILES, ids=lambda p: str(p.relative_to(THEMES)))
def test_no_message_has_an_unescaped_single_quote(path):
    """No rule id: what people read (issue 11)."""
    bad = {k: v for k, v in read_properties(path).items() if LONE_QUOTE.search(v)}
    assert bad == {}, f"write a quote as '' in {path.name}: {sorted(bad)}"


@pytest.mark.parametrize("theme", ["login", "email", "admin"])
def test_both_languages_say_every_message(theme):
    """No rule id: what people read (issue 11)."""
    folder = THEMES / "screening" / theme / "messages"
    zh = read_properties(folder / "messages_zh_Hant.properties")
    en = read_properties(folder / "messages_en.properties")
    assert sorted(set(zh) ^ set(en)) == []


@pytest.mark.parametrize("language", ["zh_Hant", "en"])
def test_the_console_and_the_login_pages_refuse_a_password_in_the_same_words(language):
    """The admin console shows the admin theme's sentence, the update-password page the login
    theme's: one refusal, one wording. Covers: R-PWD-3, R-PWD-5"""
    admin = read_properties(THEMES / "screening" / "admin" / "messages" / f"messages_{language}.properties")
    login = read_properties(THEMES / "screening" / "login" / "messages" / f"messages_{language}.properties")
    refusals = {k: v for k, v in admin.items() if k.startswith("invalidPassword")}
    assert len(refusals) >= 19
    assert {k: login.get(k) for k in refusals} == refusals


def test_english_messages_hold_no_chinese_outside_bilingual_labels():
    """The English files are read by people who may not read Chinese: only the names of places
    in Chinese (a bilingual label) may carry Han characters, never a sentence's words."""
    han = re.compile(r"[\u4e00-\u9fff]")
    for path in THEMES.rglob("messages_en.properties"):
        for key, value in read_properties(path).items():
            if han.search(value):
                # The lockout mail and the old address's notice of a changed address are bilingual
                # by design (sent in the realm's default language); the language menu names each
                # language in its own words.
                bilingual_mail = key.startswith(("screeningLockout", "screeningAddressChanged", "locale_"))
                assert bilingual_mail or "轉" in value, (path.name, key, value)


@pytest.mark.parametrize("language", ["zh_Hant", "en"])
def test_a_locked_account_reads_as_a_wrong_password(language):
    """The sign-in page says the same for a wrong password, an account that does not exist and a
    locked one (only the holder, with the right password, is told: HolderToldForm). Covers: R-LCK-1"""
    login = read_properties(THEMES / "screening" / "login" / "messages" / f"messages_{language}.properties")
    said = {
        login[k]
        for k in ("invalidUserMessage", "accountTemporarilyDisabledMessage", "accountPermanentlyDisabledMessage")
    }
    assert len(said) == 1, said
