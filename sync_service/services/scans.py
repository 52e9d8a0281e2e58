"""Scans of the signed documents (decision 0063): an applicant uploads them
beside the application; only reviewers and that applicant may read them."""

from __future__ import annotations

import secrets
from datetime import datetime

import policies

from ..domain import Application, FieldError, FormInvalid, Status
from .applications import load_application
from .clock import utcnow
from .errors import NotFound
from .lookup import Viewer, may_see
from .ports import Scan, UnitOfWork

MAX_SCAN_BYTES = 5 * 1024 * 1024
# What a scanner or a phone makes, recognised by the file's first bytes, not its name.
SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
OPEN = (Status.SUBMITTED, Status.ORIGINALS_RECEIVED)


def content_type_of(data: bytes) -> str | None:
    for magic, kind in SIGNATURES.items():
        if data.startswith(magic):
            return kind
    return None


def upload(
    uow: UnitOfWork,
    reference: str,
    *,
    document: str,
    filename: str,
    data: bytes,
    viewer: Viewer,
    now: datetime | None = None,
) -> Scan:
    with uow:
        app = load_application(uow, reference)
        if not may_see(app, viewer):
            raise NotFound("application.not_found", "找不到此申請案", "No such application")
        kind = _check(app, document, data)
        _room_for(uow, app, document)
        name = "".join(c for c in filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] if c.isprintable())[:200] or "scan"
        scan = Scan(
            id=secrets.token_hex(16),
            application_id=app.id,
            document=document,
            filename=name,
            content_type=kind,
            size=len(data),
            uploaded_by=viewer.name,
            uploaded_at=now or utcnow(),
            content=data,
        )
        uow.scans.add(scan)
        uow.commit()
    return scan


def _room_for(uow: UnitOfWork, app: Application, document: str) -> None:
    """A bounded number of scans per document (policies/budgets.toml, decision 0131): a person
    replacing a bad scan has room; a program uploading without end does not."""
    most = policies.budgets().scans_stored_per_document
    if sum(1 for s in uow.scans.of_application(app.id) if s.document == document) >= most:
        raise FieldError(
            "file.too_many",
            "file",
            f"這份文件已上傳 {most} 個掃描檔，不能再上傳；如需更換請洽審核人員",
            f"This document has {most} scans already, the most kept; to replace one, ask the reviewer",
        )


def too_large() -> FieldError:
    mb = MAX_SCAN_BYTES // 1024 // 1024
    return FieldError(
        "file.too_large",
        "file",
        f"檔案超過 {mb} MB，請縮小（例如以較低解析度掃描）後再上傳",
        f"The file is over {mb} MB: make it smaller (scan at a lower resolution, for instance) and upload it again; a scan has at most {mb} MB",
    )


def _check(app: Application, document: str, data: bytes) -> str:
    errors = []
    if document not in app.required_documents:
        errors.append(
            FieldError(
                "document.not_required",
                "document",
                "此申請不需要這份文件",
                "This application does not ask for that document",
            )
        )
    kind = content_type_of(data)
    if not data:
        errors.append(FieldError("file.required", "file", "請選擇要上傳的檔案", "Choose a file to upload"))
    elif len(data) > MAX_SCAN_BYTES:
        errors.append(too_large())
    elif kind is None:
        errors.append(
            FieldError("file.type", "file", "只接受 PDF、PNG 或 JPEG 檔", "Only PDF, PNG or JPEG files are accepted")
        )
    if app.status not in OPEN:
        errors.append(
            FieldError(
                "file.closed", "file", "申請案已決定，不能再上傳", "The application has been decided; no more uploads"
            )
        )
    if errors or kind is None:
        raise FormInvalid(errors)
    return kind


def read(uow: UnitOfWork, reference: str, scan_id: str, *, viewer: Viewer) -> Scan:
    with uow:
        app = load_application(uow, reference)
        if not may_see(app, viewer):
            raise NotFound("scan.not_found", "找不到此掃描檔", "No such scan")
        scan = uow.scans.get(reference, scan_id)
    if scan is None:
        raise NotFound("scan.not_found", "找不到此掃描檔", "No such scan")
    return scan
