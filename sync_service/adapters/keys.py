"""Secret keys from the environment or from an ignored key file made on first use.

A deployment sets the environment variable (from its secret store); a
developer's machine gets a 0600 file under var/ instead, so nothing secret
ever lands in the repository.
"""
from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def load_or_create_key(env_value: str, path: Path, size: int = 32) -> bytes:
    if env_value:
        key = base64.b64decode(env_value)
    elif path.exists():
        key = base64.b64decode(path.read_text().strip())
    else:
        key = secrets.token_bytes(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together must not each write their own key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_or_create_key("", path, size)
        with os.fdopen(fd, "w") as f:
            f.write(base64.b64encode(key).decode() + "\n")
    if len(key) != size:
        raise ValueError(f"key from {'environment' if env_value else path} must be {size} bytes")
    return key
