#!/usr/bin/env python3
"""Verify an audit export bundle of the cancer-screening sign-on service, offline.
稽核匯出檔離線驗證程式（癌症篩檢資訊整合系統 登入與帳號管理）。

    python3 verify_bundle.py audit-export.zip [--public-key KEY]

Needs Python 3.9+ and nothing else: no network, no database, none of the service's
code, no package (the `cryptography` package is used when it is installed; without it
the signatures are checked by the RFC 8032 verification written out below). This file
is shipped inside every bundle.
只需 Python 3.9 以上，不需網路、資料庫、本系統程式或其他套件。

What it checks / 檢查項目:
  1. the bundle's header (institution, dates, number of entries) is signed by the key;
  2. every entry is a row of the service's audit chain, unchanged: its hash is
     recomputed from its content and the row's own signature checked;
  3. every entry carries its place in this export, signed: an entry changed, removed,
     moved or added is named by its place;
  4. the number of entries is the one the signed header states;
  5. the chain's checkpoints printed in the bundle (each mailed to the agency when it was
     made) are signed by the key; compare them with the mails the agency received.
Give --public-key (the agency's published key, base64 or hex, or a file holding it) to
be sure the bundle was signed by the agency and not by whoever made the file; without
it the key in the bundle is used and its fingerprint printed, to compare.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import zipfile

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # the standard library alone: Ed25519 verification below
    InvalidSignature = None  # type: ignore[assignment,misc]
    Ed25519PublicKey = None  # type: ignore[assignment,misc]

FORMAT = "hpa-screening-audit-export/1"
BUNDLE_NAME = "audit-export.json"
GENESIS = "0" * 64


# ---- Ed25519 verification on the standard library (RFC 8032, section 5.1.7) -------------
# Used only where the cryptography package is not installed; slow (milliseconds a signature)
# but plain integer arithmetic an auditor can read against the RFC.
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a, b):
    x = (a[1] - a[0]) * (b[1] - b[0]) % _P
    y = (a[1] + a[0]) * (b[1] + b[0]) % _P
    c, d = 2 * a[3] * b[3] * _D % _P, 2 * a[2] * b[2] % _P
    e, f, g, h = y - x, d - c, d + c, y + x
    return (e * f, g * h, f * g, e * h)


def _mul(scalar, point):
    result = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    return _P - x if (x & 1) != sign else x


def _decompress(raw: bytes):
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_G = (_recover_x(_GY, 0), _GY, 1, _recover_x(_GY, 0) * _GY % _P)


class _PurePublicKey:
    """The verifying half of an Ed25519 key, as cryptography's Ed25519PublicKey answers."""

    def __init__(self, raw: bytes) -> None:
        self.raw, self.point = raw, _decompress(raw)
        if self.point is None:
            raise ValueError("not an Ed25519 public key")

    def verify(self, signature: bytes, message: bytes) -> None:
        r_point = _decompress(signature[:32]) if len(signature) == 64 else None
        s = int.from_bytes(signature[32:], "little") if r_point else _L
        if r_point is None or s >= _L:
            raise ValueError("bad signature")
        h = int.from_bytes(hashlib.sha512(signature[:32] + self.raw + message).digest(), "little") % _L
        if not _equal(_mul(s, _G), _add(r_point, _mul(h, self.point))):
            raise ValueError("bad signature")


def public_key(raw: bytes):
    return Ed25519PublicKey.from_public_bytes(raw) if Ed25519PublicKey is not None else _PurePublicKey(raw)


_BAD_SIGNATURE = (ValueError,) + ((InvalidSignature,) if InvalidSignature is not None else ())
# DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32 key bytes follow it.
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def chain_digest(entry: dict) -> str:
    """The audit chain's hash of one row (sync_service/adapters/audit_chain.py), recomputed."""
    body = canonical(
        {
            "seq": entry["seq"],
            "at": entry["at"],
            "actor": entry["actor"],
            "action": entry["action"],
            "application_id": entry["application_id"],
            "approved_by": entry["approved_by"],
            "payload": entry["payload"],
        }
    )
    return hashlib.sha256((entry["prev_hash"] + "\n" + body).encode()).hexdigest()


def header_digest(header: dict) -> str:
    return hashlib.sha256(("audit-export-header\n" + canonical(header)).encode()).hexdigest()


def place_text(bundle_digest: str, n: int, row_hash: str) -> bytes:
    """What an entry's export signature covers: this bundle, its place, the chain row."""
    return f"audit-export-entry:{bundle_digest}:{n}:{row_hash}".encode()


# ---- checkpoints of the audit chain (decision 0136) --------------------------------------
# A checkpoint names the chain's end (row seq, its hash) at a moment, signed with the audit key,
# and is mailed to the agency as one line: `python -m sync_service audit verify --checkpoints`
# reads such lines back from the mails (or any text holding them).
_CHECKPOINT_LINE = re.compile(r"audit-checkpoint seq=(\d+) hash=([0-9a-f]{64}) at=(\S+) signature=(\S+)")


def checkpoint_text(seq: int, row_hash: str, at: str) -> bytes:
    """What a checkpoint's signature covers."""
    return f"audit-checkpoint:{seq}:{row_hash}:{at}".encode()


def checkpoint_line(seq: int, row_hash: str, at: str, signature: str) -> str:
    return f"audit-checkpoint seq={seq} hash={row_hash} at={at} signature={signature}"


def checkpoints_in(text: str) -> list[dict]:
    """Every checkpoint line in a text, in order: {seq, hash, at, signature}."""
    return [
        {"seq": int(m.group(1)), "hash": m.group(2), "at": m.group(3), "signature": m.group(4)}
        for m in _CHECKPOINT_LINE.finditer(text)
    ]


def _verify(keys: dict, signature: str, message: bytes) -> bool:
    try:
        if ":" in signature:
            kid, encoded = signature.split(":", 1)
            key = keys.get(kid)
            if key is None:
                return False
            key.verify(base64.b64decode(encoded, validate=True), message)
            return True
        raw = bytes.fromhex(signature)  # rows signed before key ids: any of the keys
    except _BAD_SIGNATURE:
        return False
    for key in keys.values():
        try:
            key.verify(raw, message)
            return True
        except _BAD_SIGNATURE:
            continue
    return False


def _read_key(text: str) -> bytes:
    text = text.strip()
    if "BEGIN PUBLIC KEY" in text:
        body = "".join(line for line in text.splitlines() if line and not line.startswith("-----"))
        der = base64.b64decode(body)
        if not der.startswith(_SPKI_PREFIX) or len(der) != len(_SPKI_PREFIX) + 32:
            raise ValueError("not an Ed25519 public key")
        return der[len(_SPKI_PREFIX) :]
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = base64.b64decode(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return raw


def load_bundle(data: bytes) -> dict:
    """The bundle's JSON, from the zip the service hands out or from the JSON itself."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            data = z.read(BUNDLE_NAME)
    return json.loads(data.decode("utf-8"))


def problems(bundle: dict, pinned_key: bytes | None = None) -> list[str]:
    """Everything wrong with the bundle, each naming the entry (by its place, 1-based); [] if sound."""
    if bundle.get("format") != FORMAT:
        return [f"not an audit export of format {FORMAT} / 非本系統稽核匯出格式"]
    header = bundle.get("header") or {}
    keys = {}
    for kid, encoded in (bundle.get("public_keys") or {}).items():
        raw = base64.b64decode(encoded)
        if key_id(raw) != kid:
            return [f"public key {kid} does not match its name / 公鑰與其識別碼不符"]
        keys[kid] = public_key(raw)
    signing = header.get("key_id")
    if pinned_key is not None and (key_id(pinned_key) != signing or signing not in keys):
        return [f"the bundle is not signed by the given public key ({key_id(pinned_key)}) / 匯出檔非由所給公鑰簽署"]
    if not _verify(
        {signing: keys[signing]} if signing in keys else {}, bundle.get("signature", ""), header_digest(header).encode()
    ):
        return ["the header's signature is not valid (institution, dates or count changed) / 檔頭簽章無效"]
    found = []
    digest = header_digest(header)
    entries = bundle.get("entries") or []
    for place, entry in enumerate(entries, start=1):
        name = f"entry {place}"
        try:
            seq = entry["seq"]
            name = f"entry {place} (chain row {seq})"
            if chain_digest(entry) != entry["hash"]:
                found.append(f"{name}: its content does not match its hash (changed) / 第 {place} 筆內容遭竄改")
            elif not _verify(keys, entry["signature"], entry["hash"].encode()):
                found.append(f"{name}: the audit chain's signature is not valid / 第 {place} 筆稽核簽章無效")
            elif not _verify(
                {signing: keys[signing]}, entry["export_signature"], place_text(digest, place, entry["hash"])
            ):
                found.append(
                    f"{name}: not the entry signed for this place (removed, moved or added) / "
                    f"第 {place} 筆位置不符（遭刪除、移動或插入）"
                )
        except (KeyError, TypeError, AttributeError):
            found.append(f"{name}: malformed / 第 {place} 筆格式錯誤")
    by_seq = {e.get("seq"): e.get("hash") for e in entries if isinstance(e, dict)}
    for n, c in enumerate(header.get("checkpoints") or [], start=1):
        try:
            if not _verify(keys, c["signature"], checkpoint_text(c["seq"], c["hash"], c["at"])):
                found.append(f"checkpoint {n} (row {c['seq']}): its signature is not valid / 第 {n} 個查核點簽章無效")
            elif c["seq"] in by_seq and by_seq[c["seq"]] != c["hash"]:
                found.append(
                    f"checkpoint {n} (row {c['seq']}): the entry of that row differs from it / "
                    f"第 {n} 個查核點與該筆紀錄不符"
                )
        except (KeyError, TypeError):
            found.append(f"checkpoint {n}: malformed / 第 {n} 個查核點格式錯誤")
    count = header.get("count")
    if not isinstance(count, int):
        return found + ["header: no count of entries / 標頭缺筆數"]
    if len(entries) > count:
        found.append(
            f"entry {count + 1}: added after the {count} entries the header signs / 第 {count + 1} 筆為多出之紀錄"
        )
    elif len(entries) < count:
        found.append(
            f"entry {len(entries) + 1}: missing, the header signs {count} entries / 第 {len(entries) + 1} 筆缺漏"
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an audit export bundle offline / 離線驗證稽核匯出檔")
    parser.add_argument("file")
    parser.add_argument("--public-key", help="the agency's public key (base64, hex or PEM) or a file holding it")
    args = parser.parse_args(argv)
    pinned = None
    if args.public_key:
        text = args.public_key
        try:
            with open(text, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            pass
        pinned = _read_key(text)
    with open(args.file, "rb") as f:
        bundle = load_bundle(f.read())
    found = problems(bundle, pinned)
    header = bundle.get("header") or {}
    if found:
        for line in found:
            print(f"驗證失敗 FAILED：{line}", file=sys.stderr)
        return 1
    print(
        f"匯出檔完整 bundle intact：{header.get('count')} 筆 entries；機構 institution {header.get('institution')}；"
        f"{header.get('from')} – {header.get('to')}；簽章金鑰 signed by key {header.get('key_id')}"
    )
    if pinned is None:
        print(
            "compare that key id with the agency's published key, or pass --public-key / "
            "請將上列金鑰識別碼與本署公告之公鑰比對，或以 --public-key 指定公鑰"
        )
    checkpoints = header.get("checkpoints") or []
    if checkpoints:
        print(
            f"查核點 {len(checkpoints)} 個，請與本署收到之查核點郵件逐一比對 / {len(checkpoints)} checkpoints of the "
            "chain; compare each with the checkpoint mails the agency received:"
        )
        for c in checkpoints:
            print("  " + checkpoint_line(c["seq"], c["hash"], c["at"], c["signature"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
