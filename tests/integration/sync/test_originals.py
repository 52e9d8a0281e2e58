"""Originals that are really received (R-DOC-4, issue 22 point 3), through the JSON API
against the run's real Keycloak (real tokens) and the real service over HTTP.

Two ways the paper rule was hollowed out, reproduced here: an anonymous intake listing
`documents` made the reviewer's file look complete before any letter came; the API recorded
originals with no letter at all, and the approval went through."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.support.sync import TW, form, new_account_name, with_captcha

A_DOCUMENTS = ["form-1", "unit-affidavit", "confidentiality-consent"]


def _today() -> str:
    return datetime.now(TW).date().isoformat()


def test_documents_an_applicant_lists_are_declared_not_received(sync_api, service_tokens, make_reviewer, institution):
    """Covers: R-DOC-4

    An anonymous intake naming every document is what the applicant *declares*: the file
    shows them as declared, none as received, and the approval waits for the letter."""
    body = {**form("A", institution, new_account_name()), "documents": A_DOCUMENTS}
    r = sync_api.post("/api/applications", json=with_captcha(sync_api.wiring, body))
    assert r.status_code == 201, r.text
    reference = r.json()["id"]
    reviewer = service_tokens.for_service(make_reviewer())

    seen = sync_api.get(f"/api/applications/{reference}", reviewer).json()
    assert sorted(seen["missing_documents"]) == sorted(A_DOCUMENTS)  # was []: 「文件齊全」 on the file
    assert seen["declared_documents"] == sorted(A_DOCUMENTS)
    assert seen["received_documents"] == []
    r = sync_api.post(f"/api/applications/{reference}/approve", reviewer, json={})
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "approval.originals_missing"


def test_originals_need_their_letter_and_a_true_date(sync_api, service_tokens, make_reviewer, institution):
    """Covers: R-DOC-4

    Recording originals without the letter's number and date is refused (it was taken, and
    the approval went through); so are a number not in the agency's format, a date in the
    future and one before the application. With a real letter, every document is received."""
    r = sync_api.post(
        "/api/applications", json=with_captcha(sync_api.wiring, form("A", institution, new_account_name()))
    )
    assert r.status_code == 201, r.text
    reference = r.json()["id"]
    reviewer = service_tokens.for_service(make_reviewer())
    originals = f"/api/applications/{reference}/originals"

    r = sync_api.post(originals, reviewer, json={"documents": A_DOCUMENTS})
    assert r.status_code == 422, r.text
    assert {e["field"] for e in r.json()["error"]["errors"]} == {"letter_number", "received_on"}
    assert sync_api.post(f"/api/applications/{reference}/approve", reviewer, json={}).status_code == 409

    today = datetime.now(TW).date()
    refused = {
        "x": (today.isoformat(), "letter_number"),
        "國健癌字第1140000456號": ((today + timedelta(days=1)).isoformat(), "received_on"),
        "國健癌字第1140000457號": ((today - timedelta(days=400)).isoformat(), "received_on"),
    }
    for number, (day, field) in refused.items():
        r = sync_api.post(
            originals, reviewer, json={"documents": A_DOCUMENTS, "letter_number": number, "received_on": day}
        )
        assert r.status_code == 422, (number, r.text)
        assert field in {e["field"] for e in r.json()["error"]["errors"]}, r.text

    roc_year = today.year - 1911
    letter = {"letter_number": f"臺大醫字第{roc_year}0012345號", "received_on": _today()}
    r = sync_api.post(originals, reviewer, json={"documents": ["form-1"], **letter})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted" and r.json()["missing_documents"] == A_DOCUMENTS[1:]
    r = sync_api.post(originals, reviewer, json={"documents": A_DOCUMENTS[1:], **letter})
    assert r.status_code == 200, r.text
    received = r.json()
    assert received["status"] == "originals_received" and received["missing_documents"] == []
    assert {d["document"]: d["letter_number"] for d in received["receipts"]} == dict.fromkeys(
        A_DOCUMENTS, letter["letter_number"]
    )
    assert sync_api.post(f"/api/applications/{reference}/approve", reviewer, json={}).status_code == 200
