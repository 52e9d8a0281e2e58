"""The OpenAPI 3 document of the JSON API, served at /openapi.json."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..domain import Status

blueprint = Blueprint("openapi", __name__)

STATUSES = [s.value for s in Status]

_TEXT = {"type": "string", "maxLength": 200}
_NULLABLE_TEXT = {"type": ["string", "null"], "maxLength": 200}
_ERROR = {"$ref": "#/components/responses/Error"}
_ID = {"name": "application_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}


def _json(schema_ref: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


def _op(
    summary: str,
    ok: str,
    *,
    body: str | None = None,
    public: bool = False,
    params=(),
    ok_status="200",
    errors=("401", "403", "404", "409", "422"),
) -> dict:
    op = {
        "summary": summary,
        "parameters": list(params),
        "responses": {ok_status: {"description": "OK", **_json(ok)}, **{code: _ERROR for code in errors}},
    }
    if body:
        op["requestBody"] = {"required": False, **_json(body)}
    if public:
        op["security"] = [{}, {"bearer": []}]
    return op


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "癌症篩檢資訊整合系統 帳號申請同步服務 / Screening system account applications",
        "version": "1",
        "description": "Applications A–D (form 1) from intake to Keycloak. Errors are "
        "`{error: {code, zh, en, field?}}`. Type A may be submitted without a token, with "
        "a captcha answered (POST /api/captcha, then `challenge` and `captcha` in the body; "
        "400 captcha.required otherwise); B, C and D need the token of the account they name, "
        "or a reviewer's (filed on the person's behalf). Submissions are limited per client "
        "address, per e-mail, per account name and for everyone together (policies/budgets.toml; "
        "429 with Retry-After; reviewers are not limited). Reading needs the realm role "
        "`hpa-reviewer` or the vendor's `maintenance-vendor`; deciding needs `hpa-reviewer` (the vendor "
        "decides nothing: 403 auth.reviewer_required), the vendor's record needs `maintenance-vendor`. "
        "Nobody decides an application naming their own account, national ID or e-mail (403 "
        "decision.own_application), nor one they filed for someone else (403 decision.own_filing). "
        "Bodies must be JSON.",
    },
    "security": [{"bearer": []}],
    "paths": {
        "/api/applications": {
            "post": _op(
                "Submit form 1 (A: public; B, C, D: signed in)",
                "Application",
                body="Submission",
                public=True,
                ok_status="201",
                errors=("400", "401", "409", "422", "429"),
            ),
            "get": _op(
                "List and filter applications (reviewers)",
                "ApplicationList",
                errors=("401", "403", "422"),
                params=[
                    {"name": "status", "in": "query", "required": False, "schema": {"type": "string", "enum": STATUSES}}
                ]
                + [
                    {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                    for n in ("type", "institution_code", "category", "account", "national_id")
                ]
                + [
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                    },
                    {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}},
                ],
            ),
        },
        "/api/captcha": {
            "post": _op(
                "A captcha for filing an application A without a token",
                "Captcha",
                public=True,
                ok_status="201",
                errors=("429",),
            ),
        },
        "/api/applications/{application_id}": {
            "get": _op("Read one application (reviewers)", "Application", params=[_ID]),
        },
        "/api/applications/{application_id}/originals": {
            "post": _op(
                "Record that the signed paper originals arrived (R-DOC-4)",
                "Application",
                body="Originals",
                params=[_ID],
            ),
        },
        "/api/applications/{application_id}/approve": {
            "post": _op(
                "Approve; `replacing` names the current manager for a hand-over",
                "Decision",
                body="Approval",
                params=[_ID],
                errors=("400", "401", "403", "404", "409", "422", "503"),
            ),
        },
        "/api/applications/{application_id}/reject": {
            "post": _op("Reject with a reason", "Application", body="Rejection", params=[_ID]),
        },
        "/api/applications/{application_id}/vendor-record": {
            "post": _op("Record the vendor's processing (R-FORM-6)", "Application", body="VendorRecord", params=[_ID]),
        },
        "/api/applications/{application_id}/retry": {
            "post": _op(
                "Retry a failed provisioning once its cause is fixed: the seat is taken again and "
                "the failed changes queued again (reviewers; audited)",
                "Application",
                body="Approval",
                params=[_ID],
            ),
        },
        "/api/applications/{application_id}/cancel": {
            "post": _op(
                "Cancel a failed application: it holds nothing any more (reviewers; audited)",
                "Application",
                body="Rejection",
                params=[_ID],
            ),
        },
        "/api/applications/{application_id}/provisioning": {
            "get": _op(
                "Provisioning status: the changes queued for Keycloak and how far they got",
                "Provisioning",
                params=[_ID],
            ),
        },
    },
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "An access token of the realm issued for this service: its azp is one of the "
                "service's own clients, sync-service or reviewer-pages (the reviewer pages sign "
                "people in through reviewer-pages), or its aud contains sync-service (a client "
                "that calls this API adds sync-service to its tokens with an audience mapper). "
                "A token another client got (the screening system's) is refused with 401 "
                "auth.token_audience. 本服務僅接受發給本服務的登入憑證。",
            }
        },
        "responses": {"Error": {"description": "An error, in zh-Hant and English", **_json("Error")}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "zh", "en"],
                        "properties": {
                            "code": {"type": "string"},
                            "zh": {"type": "string"},
                            "en": {"type": "string"},
                            "field": {"type": "string"},
                            "errors": {"type": "array"},
                        },
                    }
                },
            },
            "Submission": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["A", "B", "C", "D"]},
                    "category": {"type": "string", "enum": ["CRC-COL", "CER-COL", "HPV-COL", "GAS-COL", "GAS-LAB"]},
                    "institution_code": {"type": "string", "pattern": "^[0-9]{10}$"},
                    "institution_name": _TEXT,
                    "department": _TEXT,
                    "applicant_name": _TEXT,
                    "account": _TEXT,
                    "phone": _TEXT,
                    "national_id": _TEXT,
                    "email": {"type": "string", "format": "email"},
                    "application_date": {"type": "string", "format": "date"},
                    "reason": _NULLABLE_TEXT,
                    "effective_date": {
                        "type": ["string", "null"],
                        "format": "date",
                        "description": "the day the change takes effect, any type (R-MGR-6): A and C on approval "
                        "or on this day if later, B and D at 00:00 Taipei time",
                    },
                    "challenge": _TEXT,
                    "captcha": _TEXT,
                    "documents": {
                        "type": "array",
                        "items": {"type": "string"},
                        "maxItems": 20,
                        "description": "documents the applicant declares part of the file: shown as declared, "
                        "never taken for the originals received (R-DOC-4)",
                    },
                },
            },
            "Captcha": {
                "type": "object",
                "properties": {"challenge": {"type": "string"}, "image": {"type": "string"}},
            },
            "Originals": {
                "type": "object",
                "required": ["documents", "letter_number", "received_on"],
                "properties": {
                    "documents": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 20},
                    "letter_number": {
                        "type": "string",
                        "description": "the official letter's number (文號), e.g. 國健癌字第1140000456號",
                    },
                    "received_on": {
                        "type": "string",
                        "format": "date",
                        "description": "the day HPA received the letter: not in the future, not before the form's date",
                    },
                },
            },
            "Approval": {"type": "object", "properties": {"replacing": _NULLABLE_TEXT}},
            "Rejection": {"type": "object", "required": ["reason"], "properties": {"reason": _TEXT}},
            "VendorRecord": {
                "type": "object",
                "required": ["vendor_name", "processed_on"],
                "properties": {
                    "vendor_name": _TEXT,
                    "processed_on": {"type": "string", "format": "date"},
                    "notes": _TEXT,
                },
            },
            "Application": {
                "type": "object",
                "required": ["id", "type", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "type": {"type": "string"},
                    "category": {"type": "string"},
                    "status": {"type": "string", "enum": STATUSES},
                    "duplicates": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "pending applications for the same account, or the same "
                        "person, institution and category",
                    },
                    "national_id": {"type": "string", "description": "masked"},
                },
            },
            "Decision": {
                "allOf": [
                    {"$ref": "#/components/schemas/Application"},
                    {"type": "object", "properties": {"changes": {"type": "array"}}},
                ]
            },
            "ApplicationList": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Application"}},
                    "limit": {"type": "integer"},
                    "offset": {"type": "integer"},
                },
            },
            "Provisioning": {
                "type": "object",
                "required": ["application_id", "status", "changes"],
                "properties": {
                    "application_id": {"type": "string"},
                    "status": {"type": "string"},
                    "changes": {"type": "array"},
                },
            },
        },
    },
}


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)
