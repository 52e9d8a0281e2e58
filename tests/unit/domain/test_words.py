"""Names instead of codes, Taipei instead of UTC (issue 21 points 3 and 4): every action the
service records, every Keycloak event it keeps, every change kind and profile attribute has
its name in both languages; times read in Taipei; details read without Python's reprs.
No rule id: these are the words people read, not one of the agency's rules."""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, date, datetime

import pytest

import policies
from sync_service.domain import events, words
from sync_service.domain.grants import ChangeKind
from tests.conftest import ROOT

HAN = re.compile(r"[\u4e00-\u9fff]")


def _recorded_actions() -> set[str]:
    """Every action= string literal the service writes into its audit chain."""
    found = set()
    for path in (ROOT / "sync_service").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literal = isinstance(node, ast.keyword) and node.arg == "action" and isinstance(node.value, ast.Constant)
            value = node.value.value if literal else None  # type: ignore[attr-defined]  # an ast.keyword
            if isinstance(value, str) and "." in value:
                found.add(value)
    return found


def _event_names() -> set[str]:
    return {c.name for c in vars(events).values() if isinstance(c, type) and issubclass(c, events.Event)} - {"event"}


@pytest.mark.parametrize("action", sorted(_recorded_actions() | _event_names()))
def test_every_recorded_action_has_a_name(action):
    zh, en = words.action_words(action)
    assert zh != action and HAN.search(zh), f"{action}: add its name to sync_service/domain/words.py ACTIONS"
    assert en != action and not HAN.search(en)


def test_every_change_kind_and_kept_keycloak_event_has_a_name():
    for kind in ChangeKind:
        assert f"keycloak.{kind.value}" in words.ACTIONS
        assert kind.value in words.CHANGE_KINDS
    for event_type in policies.load().events.user_event_types:
        zh, _ = words.action_words(f"keycloak.{event_type.lower()}")
        assert HAN.search(zh), event_type
    assert words.action_words("keycloak.admin.group_membership.create") == (
        "管理主控台：新增群組成員（權限）",
        "admin console: group membership (access) made",
    )


def test_every_profile_attribute_of_the_realm_has_a_label():
    realm = json.loads((ROOT / "realm-export.json").read_text())
    [component] = realm["components"]["org.keycloak.userprofile.UserProfileProvider"]
    profile = json.loads(component["config"]["kc.user.profile.config"][0])
    for attribute in profile["attributes"]:
        if attribute["name"] not in ("username", "email", "firstName", "lastName"):
            assert attribute["name"] in words.ATTRIBUTES, attribute["name"]


def test_times_read_in_taipei_whatever_they_were_kept_as():
    at = datetime(2026, 12, 5, 3, 56, tzinfo=UTC)  # 11:56 in Taipei
    assert words.taipei_text(at) == "2026-12-05 11:56"
    assert words.taipei_text(at.replace(tzinfo=None)) == "2026-12-05 11:56"  # the database's naive UTC
    assert words.taipei_text("2026-12-05T03:56:00+00:00") == "2026-12-05 11:56"
    assert words.taipei_text(int(at.timestamp())) == "2026-12-05 11:56"  # epoch seconds (terms accepted)
    assert words.taipei_text(str(int(at.timestamp() * 1000))) == "2026-12-05 11:56"  # epoch ms, as a string
    assert words.taipei_text(None) == ""


def test_a_profile_reads_without_keys_or_epoch_numbers():
    at_ms = str(int(datetime(2026, 12, 5, 3, 56, tzinfo=UTC).timestamp() * 1000))
    items = words.profile_items(
        {"screening.passwordSetByOther": [at_ms], "terms_and_conditions": ["1796441086"], "department": ["檢驗科"]}
    )
    shown = " ".join(f"{i.label[0]} {i.value[0]} {i.label[1]} {i.value[1]}" for i in items)
    assert "screening." not in shown and "terms_and" not in shown and at_ms not in shown, shown
    assert "2026-12-05 11:56 臺北時間" in shown and "所屬部門 檢驗科" in shown


def test_details_read_as_words_not_python():
    items = words.detail_items(
        {
            "documents": ("form-1", "unit-affidavit"),
            "received_on": date(2026, 12, 1),
            "change": {"kind": "grant", "institution_code": "3502990011", "category": "CRC-COL", "account": "nurse01"},
            "vendor_record": {"name": "x"},
            "reason": None,
        },
        policies.load(),
    )
    text = " ".join(f"{i.label[0]}：{i.value[0]} ({i.label[1]}: {i.value[1]})" for i in items)
    for raw in ("[", "{", "'", "form-1", "CRC-COL", "None", "vendor_record", "grant"):
        assert raw not in text.replace("manager permission", ""), (raw, text)
    assert "帳號/權限異動表(附件1)" in text and "大腸癌—採檢機構" in text and "2026-12-01" in text


def test_who_did_it_reads_as_words():
    assert words.actor_words("sync-service") == ("系統（開通程式）", "the system (provisioning)")
    assert words.actor_words("applicant:wang@clinic.example.tw")[0] == "申請人（wang@clinic.example.tw）"
    assert words.actor_words("nurse01") == ("nurse01", "nurse01")
