"""Secret keys from the environment or from an ignored key file made on first use.

A deployment sets the environment variable (from its secret store); a
developer's machine gets a 0600 file under var/ instead, so nothing secret
ever lands in the repository.

Rotation (docs/operations.md): a key file holds one base64 key per line,
oldest first; the last line is the current key, which signs and encrypts.
The earlier ones are kept only to verify and decrypt what they made. The
environment variable takes the same list, separated by spaces or commas.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def _decode(text: str) -> list[bytes]:
    return [base64.b64decode(part) for part in text.replace(",", " ").split()]


def load_key_ring(env_value: str, path: Path | None, size: int = 32) -> list[bytes]:
    """Every key, oldest first; the last is the current one. Made on first use."""
    if env_value:
        keys = _decode(env_value)
    elif path is None:  # Settings.require refuses to start a process before it gets here
        raise ValueError("no key: neither its value nor its file is set")
    elif path.exists():
        keys = _decode(path.read_text())
    else:
        key = secrets.token_bytes(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together must not each write their own key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_key_ring("", path, size)
        with os.fdopen(fd, "w") as f:
            f.write(base64.b64encode(key).decode() + "\n")
        keys = [key]
    if not keys or any(len(k) != size for k in keys):
        raise ValueError(f"keys from {'environment' if env_value else path} must be {size} bytes each")
    return keys


def load_or_create_key(env_value: str, path: Path | None, size: int = 32) -> bytes:
    """The current key alone."""
    return load_key_ring(env_value, path, size)[-1]


def rotate_key_file(path: Path, size: int = 32) -> bytes:
    """Append a new current key; the old ones stay for what they made. Returns the new key."""
    keys = load_key_ring("", path, size)
    new = secrets.token_bytes(size)
    staging = path.with_name(path.name + ".rotating")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(base64.b64encode(k).decode() + "\n" for k in [*keys, new]))
        f.flush()
        os.fsync(f.fileno())
    os.replace(staging, path)  # atomic: a process starting now reads the old file or the new, never half
    return new
