"""The signed audit export bundle (decision 0091): a zip an auditor verifies offline.

    audit-export.json   the header (institution, dates, count, signing key), its signature,
                        the public keys, and each chain row as stored, with its place in
                        this export signed
    verify_bundle.py    the verifier (Python alone; cryptography used if installed): audit_bundle_verify.py
    public-key.pem      the key that signed the header and the places
    README.txt          how to check it, zh-Hant and English

The format and the checks live in audit_bundle_verify.py, the file shipped: one source.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ..services.ports import AuditCheckpoint, ChainRow, ExportRequest
from . import audit_bundle_verify as verify
from .audit_chain import AuditChain

VERIFIER = Path(verify.__file__)

README = """稽核匯出檔 Audit export
機構 Institution: {institution}
期間 Dates (Taiwan): {start} – {end}
筆數 Entries: {count}
簽章金鑰 Signing key: {key_id}

驗證方式（離線，只需 Python 3.9 以上，不需其他套件）：
How to verify (offline; needs only Python 3.9+, no package):

    python3 verify_bundle.py {zip_name} --public-key AGENCY_PUBLIC_KEY

請以本署公告之公鑰代入 AGENCY_PUBLIC_KEY（或公鑰檔路徑）；未指定時以檔內公鑰驗證，
並列出其識別碼供比對。任何一筆紀錄遭修改、刪除、移動或增加，驗證即失敗並指出第幾筆。
Give the agency's published public key (or a file holding it) as AGENCY_PUBLIC_KEY; without
it the key inside the bundle is used and its id printed, to compare. Any entry changed,
removed, moved or added makes the check fail, naming the entry.
"""


CHECKPOINTS = """
查核點（{count} 個）：本期間起寄給本署之稽核紀錄查核點，請與本署收到之查核點郵件逐一比對；
任何一個不符，表示稽核紀錄於該查核點寄出後遭改寫。
Checkpoints of the audit chain ({count}) mailed to the agency since the period began. Compare
each with the checkpoint mails the agency received; one that differs means the chain was
rewritten after that checkpoint was sent.

{lines}
"""


class AuditBundleWriter:
    def __init__(self, chain: AuditChain) -> None:
        self.chain = chain

    def bundle(
        self,
        request: ExportRequest,
        rows: list[ChainRow],
        generated_at: datetime,
        checkpoints: Sequence[AuditCheckpoint] = (),
        accounts: list[dict[str, Any]] | None = None,
    ) -> bytes:
        header: dict[str, Any] = {
            "institution": request.institution,
            "from": request.start.isoformat(),
            "to": request.end.isoformat(),
            "generated_at": generated_at.astimezone(UTC).isoformat(),
            "count": len(rows),
            "key_id": self.chain.key_id,
            # The chain's checkpoints mailed to the agency since the range began (decision 0136),
            # signed with the header: the auditor compares them with the mails received.
            "checkpoints": [
                {
                    "seq": c.seq,
                    "hash": c.hash,
                    "at": c.at.astimezone(UTC).isoformat(timespec="seconds"),
                    "signature": c.signature,
                }
                for c in checkpoints
            ],
        }
        if accounts is not None:
            # R-AUD-2: the institution's accounts and grants when the audit was opened, signed with the header.
            header["accounts_and_grants"] = accounts
        digest = verify.header_digest(header)
        entries = []
        for place, r in enumerate(rows, start=1):
            entries.append(
                {
                    "seq": r.seq,
                    "at": r.at.astimezone(UTC).isoformat(),
                    "actor": r.actor,
                    "action": r.action,
                    "application_id": r.application_id,
                    "approved_by": r.approved_by,
                    "payload": r.payload,
                    "prev_hash": r.prev_hash,
                    "hash": r.hash,
                    "signature": r.signature,
                    "export_signature": self.chain.sign_bytes(verify.place_text(digest, place, r.hash)),
                }
            )
        document = {
            "format": verify.FORMAT,
            "header": header,
            "signature": self.chain.sign_bytes(digest.encode()),
            "public_keys": {
                kid: base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
                for kid, key in self.chain.public_keys.items()
            },
            "entries": entries,
        }
        zip_name = f"audit-{request.institution}-{request.start:%Y%m%d}-{request.end:%Y%m%d}.zip"
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(verify.BUNDLE_NAME, verify.canonical(document))
            z.writestr("verify_bundle.py", VERIFIER.read_text(encoding="utf-8"))
            z.writestr(
                "public-key.pem",
                self.chain.public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(),
            )
            z.writestr(
                "README.txt",
                README.format(
                    institution=request.institution,
                    start=request.start,
                    end=request.end,
                    count=len(rows),
                    key_id=self.chain.key_id,
                    zip_name=zip_name,
                )
                + CHECKPOINTS.format(
                    count=len(checkpoints), lines="\n".join("  " + c.line for c in checkpoints) or "  (none / 無)"
                ),
            )
        return out.getvalue()
