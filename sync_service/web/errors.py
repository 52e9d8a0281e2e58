"""Every error a JSON body `{error: {code, zh, en, field?, errors?}}` with its status."""

from __future__ import annotations

from flask import Flask, jsonify
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from ..domain import ApprovalRefused, DomainError, FieldError, FormInvalid, IllegalTransition, ManagerSeatRefused
from ..services.errors import Busy, Conflict, Forbidden, NotFound, SignInRequired
from ..services.ports import DirectoryUnavailable
from .api_error import ApiError

STATUS_OF = (
    (ApiError, None),
    (FormInvalid, 422),
    (FieldError, 422),
    (NotFound, 404),
    (SignInRequired, 401),
    (Forbidden, 403),
    (Busy, 503),
    (Conflict, 409),
    (IllegalTransition, 409),
    (ApprovalRefused, 409),
    (ManagerSeatRefused, 409),
    (DomainError, 422),
)

HTTP_TEXT = {
    400: ("請求格式錯誤", "The request is malformed"),
    401: ("請先登入", "Sign-in required"),
    403: ("沒有權限", "Not allowed"),
    404: ("找不到此資源", "Not found"),
    405: ("不支援此方法", "Method not allowed"),
    413: ("請求內容過大", "Request too large"),
    415: (
        "請求內容必須是 JSON（Content-Type: application/json）",
        "The body must be JSON (Content-Type: application/json)",
    ),
    429: ("請求過於頻繁，請稍後再試", "Too many requests; try again later"),
}


def error_response(e: DomainError, status: int):
    response = jsonify({"error": e.as_dict()})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        for kind, status in STATUS_OF:
            if isinstance(e, kind):
                return error_response(e, status or int(getattr(e, "status", 422)))
        return error_response(e, 422)

    @app.errorhandler(DirectoryUnavailable)
    def directory_unavailable(e: DirectoryUnavailable):
        response = jsonify(
            {
                "error": {
                    "code": e.code,
                    "zh": "身分管理系統暫時無法連線，請稍後再試",
                    "en": "The identity provider cannot be reached; try again later",
                }
            }
        )
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(e: RateLimitExceeded):
        from .limits import refusal_text, retry_after_seconds

        seconds = retry_after_seconds()
        code, zh, en = refusal_text(seconds, hourly=e.limit.limit.get_expiry() >= 3600)
        response = jsonify({"error": {"code": code, "zh": zh, "en": en, "retry_after": seconds}})
        response.status_code = 429
        response.headers["Retry-After"] = str(seconds)
        return response

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        code = e.code or 500
        zh, en = HTTP_TEXT.get(code, ("請求無法處理", e.name))
        response = jsonify({"error": {"code": f"http.{code}", "zh": zh, "en": en}})
        response.status_code = code
        allowed = getattr(e, "valid_methods", None)  # werkzeug's MethodNotAllowed
        if code == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("unexpected error")
        response = jsonify(
            {
                "error": {
                    "code": "server.error",
                    "zh": "系統發生錯誤，請稍後再試",
                    "en": "Something went wrong on our side; try again later",
                }
            }
        )
        response.status_code = 500
        return response
