"""Who is calling: the Bearer token verified once per request (kept on flask.g)."""

from __future__ import annotations

from typing import Literal, overload

from flask import current_app, g, request

from ..services.ports import Caller, TokenInvalid, TokenNotForUs
from .api_error import ApiError

_UNSET = object()


@overload
def current_caller(required: Literal[True] = True) -> Caller: ...


@overload
def current_caller(required: bool) -> Caller | None: ...


def current_caller(required: bool = True) -> Caller | None:
    caller = g.get("caller", _UNSET)
    if caller is _UNSET:
        caller = g.caller = _verify()
    if caller is None and required:
        raise ApiError(401, "auth.token_missing", "請以 Bearer token 登入", "Send a Bearer token")
    return caller


def caller_is_reviewer() -> bool:
    """For exemptions (limits): a bad token is simply not a reviewer's here;
    the view refuses it with its own clear answer."""
    try:
        caller = current_caller(required=False)
    except ApiError:
        return False
    return caller is not None and caller.is_reviewer


def _verify() -> Caller | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401, "auth.token_malformed", "授權標頭應為 Bearer token", "The Authorization header must be a Bearer token"
        )
    try:
        return current_app.extensions["sync"].token_verifier.verify(token.strip())
    except TokenNotForUs:
        raise ApiError(
            401,
            "auth.token_audience",
            "此登入憑證不是發給本服務的（應由 sync-service 或 reviewer-pages 取得）",
            "The token was issued for another client: it must name sync-service as its audience "
            "or come from sync-service or reviewer-pages",
        ) from None
    except TokenInvalid:
        raise ApiError(401, "auth.token_invalid", "登入憑證無效或已過期", "The token is invalid or expired") from None
