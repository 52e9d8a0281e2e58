"""Where a Keycloak node's CPU goes during a load (issue 20 item 6): a Java Flight Recording of
the node's JVM (`jcmd JFR.start`, the JDK's own sampler), its execution samples sorted into what
a sign-in does, and the garbage collector's share beside them.

Used by bench/morning_peak.py --profile SECONDS. Each sample is put under the first of these it
meets walking from the running method down its stack: the password hash, TLS, the login page
(FreeMarker), the token (signing, JSON), events (stored, listeners), the session store
(Infinispan, JGroups), the database (Hibernate, JDBC), our providers, Keycloak's other code,
the HTTP server (Vert.x, Netty, RESTEasy), the rest.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

# (what, the frame prefixes that mark it); the first match from the top of the stack wins, so
# narrower kinds come first.
KINDS = [
    (
        "password hash (argon2)",
        ("org.bouncycastle.crypto.generators.Argon2", "org.bouncycastle.crypto.digests.Blake2b"),
    ),
    ("our providers", ("tw.gov.hpa.",)),
    ("login page (FreeMarker, theme)", ("freemarker.", "org.keycloak.theme.", "org.keycloak.forms.login.freemarker")),
    ("events (stored, listeners)", ("org.keycloak.events.", "org.keycloak.models.jpa.JpaEventStoreProvider")),
    ("token (signing, JSON)", ("org.keycloak.jose.", "org.keycloak.crypto.", "sun.security.rsa.", "sun.security.ec.")),
    ("TLS", ("sun.security.ssl.", "javax.crypto.", "com.sun.crypto.", "sun.security.provider.")),
    ("session store (Infinispan, JGroups)", ("org.infinispan.", "org.jgroups.")),
    ("database (Hibernate, JDBC)", ("org.hibernate.", "org.postgresql.", "io.agroal.", "com.zaxxer.")),
    ("brute force, authentication flow", ("org.keycloak.services.managers.", "org.keycloak.authentication.")),
    ("JSON (Jackson)", ("com.fasterxml.jackson.",)),
    ("Keycloak, other", ("org.keycloak.",)),
    ("HTTP server (Vert.x, Netty, RESTEasy)", ("io.vertx.", "io.netty.", "org.jboss.resteasy.", "io.quarkus.")),
]
FRAME = re.compile(r"^\s+([\w.$]+)\.[\w$<>]+\(")


def kind_of(frames: list[str]) -> str:
    for frame in frames:
        for kind, prefixes in KINDS:
            if frame.startswith(prefixes):
                return kind
    return "other (JDK, logging, ...)"


def samples(recording: Path) -> list[list[str]]:
    """Each execution sample's stack, top (running) frame first, as class names."""
    text = subprocess.run(
        ["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", str(recording)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stacks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("jdk.ExecutionSample"):
            current = []
            stacks.append(current)
        elif current is not None and (m := FRAME.match(line)):
            current.append(m.group(1))
    return stacks


THREADS = [
    ("requests (executor threads)", ("executor-thread",)),
    ("JIT compiler", ("C1 CompilerThread", "C2 CompilerThread")),
    ("HTTP event loops", ("vert.x-eventloop", "vert.x-acceptor")),
    (
        "cluster (JGroups, Infinispan)",
        ("jgroups", "Connection.Receiver", "TQ-Bundler", "non-blocking-thread", "blocking-thread"),
    ),
]


def thread_cpu(recording: Path) -> dict[str, float]:
    """CPU of the JVM's Java threads by what they do (JFR's per-thread CPU load, summed over the
    recording); the garbage collector's own threads are not Java threads and are not in it."""
    text = subprocess.run(
        ["jfr", "print", "--events", "jdk.ThreadCPULoad", str(recording)], capture_output=True, text=True, check=True
    ).stdout
    load: dict[str, float] = {}
    for event in text.split("jdk.ThreadCPULoad")[1:]:
        name = re.search(r'eventThread = "([^"]+)"', event)
        user, system = re.search(r"user = ([\d.]+)%", event), re.search(r"system = ([\d.]+)%", event)
        if name and user and system:
            group = next((g for g, prefixes in THREADS if name.group(1).startswith(prefixes)), "other Java threads")
            load[group] = load.get(group, 0.0) + float(user.group(1)) + float(system.group(1))
    return load


def gc_seconds(recording: Path) -> float:
    """The collector's pauses recorded (their sum, seconds)."""
    events = subprocess.run(
        ["jfr", "print", "--events", "jdk.GarbageCollection", str(recording)], capture_output=True, text=True
    ).stdout
    total = 0.0
    for value, unit in re.findall(r"sumOfPauses = ([\d.]+) (ms|s|us)", events):
        total += float(value) * {"s": 1, "ms": 1e-3, "us": 1e-6}[unit]
    return total


def profile_node(stack, node: str, load, seconds: float) -> None:
    from bench.morning_peak import java_pid

    pid = java_pid(stack, node)
    recording = Path(tempfile.mkdtemp(prefix="jfr-")) / f"{node}.jfr"
    subprocess.run(["jcmd", str(pid), "JFR.start", "name=peak", "settings=profile"], check=True, capture_output=True)
    try:
        result = load()
    finally:
        subprocess.run(
            ["jcmd", str(pid), "JFR.stop", "name=peak", f"filename={recording}"], check=True, capture_output=True
        )
    stacks = samples(recording)
    counts = Counter(kind_of(s) for s in stacks)
    total = sum(counts.values()) or 1
    print(f"\nwhere {node}'s CPU went ({total} samples over {seconds:.0f} s of load; {result['rate']:.1f} sign-ins/s):")
    print("| part of a sign-in | share of samples |\n|---|---|")
    for kind, n in counts.most_common():
        print(f"| {kind} | {100 * n / total:.0f}% |")
    top = Counter(s[0] for s in stacks if s)
    print("\nbusiest classes (top frame):")
    for frame, n in top.most_common(12):
        print(f"  {100 * n / total:4.1f}%  {frame}")
    threads = thread_cpu(recording)
    busy = sum(threads.values()) or 1
    print("\nthe JVM's Java threads, by their share of its CPU:")
    for group, load in sorted(threads.items(), key=lambda item: -item[1]):
        print(f"  {100 * load / busy:4.0f}%  {group}")
    print(f"garbage collection pauses: {gc_seconds(recording):.2f} s in {seconds:.0f} s; recording: {recording}")
