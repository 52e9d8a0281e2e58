"""Loopback ports and HTTP answers: the one copy the stack, the tests and the benches share."""

from __future__ import annotations

import random
import socket
from pathlib import Path

import requests

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST_FREE_PORT = 20_000  # above free_cluster_port's range


def ephemeral_ports() -> range:
    """The ports the kernel gives outgoing connections (and a bind to port 0)."""
    try:
        low, high = map(int, EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999  # Linux's default
    return range(low, high + 1)


def free_port() -> int:
    """A loopback port nobody listens on now (the tests and benches start their servers on these).

    Drawn below the kernel's ephemeral range, not by binding port 0: a port from that range is
    what the kernel also gives any outgoing connection, so on a busy machine one could take it
    between this check and the server's own bind (Keycloak once failed to start with "Port
    already bound" that way)."""
    below = ephemeral_ports().start
    if below - LOWEST_FREE_PORT < 1000:  # an unusual kernel setting: take what the kernel gives
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    for _ in range(200):
        port = random.randrange(LOWEST_FREE_PORT, below)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


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
