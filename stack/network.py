"""Loopback ports and HTTP answers: the one copy the stack, the tests and the benches share."""

from __future__ import annotations

import random
import socket

import requests


def free_port() -> int:
    """A loopback port nobody listens on now (the tests and benches start their servers on these)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_cluster_port() -> int:
    """A port for a Keycloak node's cluster traffic: JGroups binds it and, for failure
    detection, the port + 50000, so both must be free (hence below 15536)."""
    for _ in range(200):
        port = random.randint(10_000, 15_000)
        try:
            for p in (port, port + 50_000):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
    raise RuntimeError("no free cluster port")


def answers(url: str, timeout: float = 3, verify: bool | str = True) -> bool:
    """Does a server answer at `url` with anything but a server error?"""
    try:
        return requests.get(url, timeout=timeout, verify=verify).status_code < 500
    except requests.RequestException:
        return False
