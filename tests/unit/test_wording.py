"""Words of the sync service and the stand-in client as a person reads them: Chinese with
Chinese punctuation, Chinese and Latin spaced apart, refusals that read as sentences."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import policies
from sync_service.domain import IllegalTransition, Status
from sync_service.domain.fields import zh_spaced
from tests.conftest import ROOT
from tests.unit.domain.test_domain_applications import AT, make

HAN = r"[\u4e00-\u9fff]"
# An ASCII comma, semicolon or colon written right after Chinese: 「已存在, 請」 should be 「已存在，請」.
ASCII_PUNCT_IN_CHINESE = re.compile(rf"{HAN}[,;:](?!//)|[,;:]\s*{HAN}")
SOURCES = sorted((ROOT / "sync_service").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))
LETTER_RULES = policies.letters()  # the official letter's number format (R-DOC-4)


def _texts(path: Path):
    """String literals (and the literal parts of f-strings) of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_texts_use_chinese_punctuation(path):
    """No rule id: what people read (issue 11)."""
    bad = [(line, text) for line, text in _texts(path) if ASCII_PUNCT_IN_CHINESE.search(text)]
    assert bad == []


def test_chinese_and_latin_are_spaced_apart():
    """No rule id: what people read (issue 11)."""
    assert zh_spaced("請填寫E-mail 信箱") == "請填寫 E-mail 信箱"
    assert zh_spaced("請填寫 E-mail 信箱") == "請填寫 E-mail 信箱"
    assert zh_spaced("請填寫身分證字號") == "請填寫身分證字號"


def test_a_refused_transition_reads_as_a_sentence():
    """Not "The application is originals received; it cannot record receipt of the originals".
    No rule id: what people read (issue 11)."""
    app = make("A", status=Status.ORIGINALS_RECEIVED)
    with pytest.raises(IllegalTransition) as e:
        app.record_originals_received(letter_rules=LETTER_RULES, by="reviewer-lin", at=AT, documents=["form-1"])
    assert e.value.en == (
        "The application's status is “originals received”, so recording receipt of its originals is not possible"
    )
    assert e.value.zh == "申請案目前為「已收正本」，不能登錄正本收件"


def test_a_refusal_of_keycloak_is_quoted_in_its_own_words_not_as_json():
    """The failure reason a reviewer reads (failure_reason) holds Keycloak's sentence, quoted
    inside the Chinese, never the raw JSON body with its ASCII commas. No rule id."""
    from keycloak.exceptions import KeycloakPostError

    from sync_service.adapters.keycloak_directory import _keycloak_errors_as_ours
    from sync_service.services.ports import DirectoryRefused

    body = b'{"field":"username","errorMessage":"User exists with same username","params":["u1"]}'

    @_keycloak_errors_as_ours
    def create(_self):
        raise KeycloakPostError(error_message=body, response_code=409)

    with pytest.raises(DirectoryRefused) as e:
        create(object())
    assert e.value.zh == "身分管理系統拒絕此變更（HTTP 409）：「User exists with same username」"
    assert e.value.en == "The identity provider refused the change (HTTP 409): User exists with same username"
    assert not ASCII_PUNCT_IN_CHINESE.search(e.value.zh)
