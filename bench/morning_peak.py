"""The morning peak (issue 20 item 6): people signing in through the login form, through nginx,
against two Keycloak nodes and against one, beside the hashing limit measured in the same run.

Each virtual person signs in over and over as a new browser would: the realm's login page (GET
the authorization endpoint), the form posted with the password, the code exchanged for tokens by
a confidential client; a fresh session (no cookie, a new TLS connection) every time. Steps of
rising parallelism, each --seconds long, for two nodes and for one (nginx reloaded to send
everything to the first node, the second still running); the order of the two alternates by
round. For every step: sign-ins per second, p50/p95 of a whole sign-in, failures, and the CPU
the Keycloak JVMs spent per sign-in (both nodes summed, from /proc).

The hashing limit: argon2id hashes per second with Keycloak's parameters, computed by the same
BouncyCastle code from the distribution's jar (bench/java/HashRate.java), with as many threads as
cores: no sign-in can go faster than that. Its CPU per hash is the yardstick for a sign-in's CPU.

    .venv/bin/python bench/morning_peak.py                       # its own stack in a temporary folder
    .venv/bin/python bench/morning_peak.py --steps 2,4,8,16 --seconds 300 --rounds 1   # the quiet-machine run
    .venv/bin/python bench/morning_peak.py --smoke               # smallest: 1 step of 2, 10 s, one node mode each

--running uses `make up PROFILE=prod` instead of starting a stack. --profile SECONDS records a
Java Flight Recording on the first node during a load of the first step's parallelism and prints
where the CPU went (bench/profile_cpu.py). Prints tables; copy them into docs/bench.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stack.demo import admin_client  # noqa: E402
from stack.keycloak import sign_in_form_action  # noqa: E402
from stack.paths import REALM_NAME  # noqa: E402
from stack.prod import NODES, ProdStack, temporary_stack  # noqa: E402
from stack.samples import sign_in_ready_people  # noqa: E402

PASSWORD = "Bench~Peak2026x"
REDIRECT = "https://bench.invalid/callback"  # never followed: the code is read from the Location header


# ---- the stack and the people -------------------------------------------------------


def make_people(admin, n: int) -> list[str]:
    return sign_in_ready_people(admin, n, PASSWORD, prefix="peak")


def make_client(admin) -> tuple[str, str]:
    client_id, secret = f"bench-peak-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin.create_client(
        {
            "clientId": client_id,
            "secret": secret,
            "publicClient": False,
            "standardFlowEnabled": True,
            "directAccessGrantsEnabled": False,
            "redirectUris": [REDIRECT],
        }
    )
    return client_id, secret


# ---- one sign-in, as a browser does it ----------------------------------------------


class SignIn:
    def __init__(self, stack: ProdStack, client_id: str, secret: str) -> None:
        realm = f"{stack.url}/realms/{REALM_NAME}/protocol/openid-connect"
        self.auth, self.token = f"{realm}/auth", f"{realm}/token"
        self.client_id, self.secret, self.ca = client_id, secret, str(stack.ca_file)

    def once(self, username: str) -> None:
        with requests.Session() as s:
            page = s.get(
                self.auth,
                params={
                    "client_id": self.client_id,
                    "redirect_uri": REDIRECT,
                    "response_type": "code",
                    "scope": "openid",
                    "state": uuid.uuid4().hex,
                },
                timeout=60,
                verify=self.ca,  # per request: REQUESTS_CA_BUNDLE in the environment would win over a session's
            )
            page.raise_for_status()
            action = sign_in_form_action(page.text)
            posted = s.post(
                action,
                data={"username": username, "password": PASSWORD},
                allow_redirects=False,
                timeout=60,
                verify=self.ca,
            )
            location = posted.headers.get("Location", "")
            if posted.status_code != 302 or "code=" not in location:
                raise RuntimeError(f"sign-in refused ({posted.status_code})")
            code = parse_qs(urlsplit(location).query)["code"][0]
            tokens = s.post(
                self.token,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT,
                    "client_id": self.client_id,
                    "client_secret": self.secret,
                },
                timeout=60,
                verify=self.ca,
            )
            tokens.raise_for_status()


# ---- CPU of the Keycloak JVMs --------------------------------------------------------


def java_pid(stack: ProdStack, node: str) -> int:
    """The JVM under the node's kc.sh."""
    shell = stack.sup.pid(node)
    for task in Path(f"/proc/{shell}/task").iterdir():
        for child in (task / "children").read_text().split():
            if b"java" in Path(f"/proc/{child}/cmdline").read_bytes():
                return int(child)
    raise RuntimeError(f"no JVM under {node}")


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


# ---- a step ---------------------------------------------------------------------------


def step(sign_in: SignIn, people: list[str], parallel: int, seconds: float, jvms: list[int]) -> dict:
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def person(i: int) -> None:
        username = people[i % len(people)]
        while time.monotonic() < stop:
            t0 = time.monotonic()
            try:
                sign_in.once(username)
            except Exception as e:  # counted, the bench goes on
                with lock:
                    failures.append(type(e).__name__)
                continue
            with lock:
                times.append(time.monotonic() - t0)

    cpu0, t0 = cpu_seconds(jvms), time.monotonic()
    threads = [threading.Thread(target=person, args=(i,)) for i in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed, cpu = time.monotonic() - t0, cpu_seconds(jvms) - cpu0
    times.sort()
    return {
        "parallel": parallel,
        "rate": len(times) / elapsed,
        "p50": statistics.median(times) if times else float("nan"),
        "p95": times[int(0.95 * (len(times) - 1))] if times else float("nan"),
        "failed": len(failures),
        "cpu_ms": 1000 * cpu / len(times) if times else float("nan"),
    }


# ---- the hashing limit -----------------------------------------------------------------


def hash_rate(stack: ProdStack, threads: int, seconds: float) -> tuple[float, float]:
    """(hashes per second with `threads`, CPU ms per hash): Keycloak's own BouncyCastle jar."""
    lib = next(Path(stack.node_dir(NODES[0]), "lib", "lib", "main").glob("org.bouncycastle.bcprov-*.jar"))
    out = Path(tempfile.mkdtemp(prefix="hashrate-"))
    try:
        subprocess.run(
            ["javac", "-d", str(out), "-cp", str(lib), str(ROOT / "bench" / "java" / "HashRate.java")], check=True
        )
        done = subprocess.run(
            ["java", "-cp", f"{lib}:{out}", "HashRate", str(threads), str(seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    _, count, elapsed, cpu_ms = done.stdout.split()
    return int(count) / float(elapsed), float(cpu_ms)


# ---- the run ---------------------------------------------------------------------------


def run(stack: ProdStack, args) -> None:
    admin = admin_client(stack)
    people = make_people(admin, max(args.people, max(args.steps)))
    client_id, secret = make_client(admin)
    sign_in = SignIn(stack, client_id, secret)
    jvms = [java_pid(stack, n) for n in NODES]
    cores = os.cpu_count() or 1
    try:
        # The JIT compiles Keycloak's hot paths under the first minutes of load: measured before
        # that, the compiler's own CPU is counted against every sign-in.
        print(f"warming up (both nodes, {args.warmup:.0f} s) ...")
        step(sign_in, people, max(args.steps), args.warmup, jvms)
        if args.profile:
            from bench.profile_cpu import profile_node

            profile_node(
                stack, NODES[0], lambda: step(sign_in, people, args.steps[0], args.profile, jvms), args.profile
            )
        limit_before = hash_rate(stack, cores, args.hash_seconds)
        results: dict[str, list[dict]] = {"two nodes": [], "one node": []}
        for r in range(args.rounds):
            order = ("two nodes", "one node") if r % 2 == 0 else ("one node", "two nodes")
            for mode in order:
                stack.balance(NODES if mode == "two nodes" else NODES[:1])
                for parallel in args.steps:
                    result = step(sign_in, people, parallel, args.seconds, jvms)
                    results[mode].append(result)
                    print(
                        f"  round {r + 1}, {mode}, {parallel} at once: {result['rate']:.1f}/s, "
                        f"p95 {result['p95'] * 1000:.0f} ms, {result['cpu_ms']:.0f} ms CPU per sign-in, "
                        f"{result['failed']} failed",
                        flush=True,
                    )
        limit_after = hash_rate(stack, cores, args.hash_seconds)
    finally:
        stack.balance(NODES)
        admin.delete_client(admin.get_client_id(client_id) or "")
        for u in people:
            admin.delete_user(admin.get_user_id(u) or "")
    limit = (limit_before[0] + limit_after[0]) / 2
    hash_ms = (limit_before[1] + limit_after[1]) / 2
    print(
        f"\nhashing limit: {limit:.1f} argon2id hashes/s with {cores} threads "
        f"({hash_ms:.1f} ms CPU per hash; before {limit_before[0]:.1f}/s, after {limit_after[0]:.1f}/s)"
    )
    print(f"\nsign-ins through the login form, through nginx, {args.seconds:.0f} s per step, {args.rounds} round(s):")
    print(
        "| nodes | at once | sign-ins/s | vs hashing limit | p50 | p95 | failed | Keycloak CPU per sign-in | vs one hash |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for mode, rows in results.items():
        for parallel in args.steps:
            mine = [x for x in rows if x["parallel"] == parallel]
            rate = statistics.median(x["rate"] for x in mine)
            p50 = statistics.median(x["p50"] for x in mine)
            p95 = statistics.median(x["p95"] for x in mine)
            cpu = statistics.median(x["cpu_ms"] for x in mine)
            print(
                f"| {mode} | {parallel} | {rate:.1f} | {rate / limit:.2f}× | {p50 * 1000:.0f} ms | "
                f"{p95 * 1000:.0f} ms | {sum(x['failed'] for x in mine)} | {cpu:.0f} ms | {cpu / hash_ms:.1f}× |"
            )
    for mode, rows in results.items():
        held = [x for x in rows if x["p95"] < 1.0 and x["failed"] == 0]
        best = max(held, key=lambda x: x["rate"]) if held else None
        print(
            f"{mode}: highest rate held with p95 under 1 s: "
            + (f"{best['rate']:.1f}/s at {best['parallel']} at once" if best else "none")
        )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="2,4,8,16", help="parallel sign-ins of each step")
    ap.add_argument("--seconds", type=float, default=300, help="each step's length")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--people", type=int, default=16)
    ap.add_argument("--hash-seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=120, help="seconds of load before anything is measured")
    ap.add_argument("--profile", type=float, default=0, help="seconds of a Java Flight Recording on node 1")
    ap.add_argument("--running", action="store_true", help="use `make up PROFILE=prod` instead of an own stack")
    ap.add_argument("--smoke", action="store_true", help="the smallest run: one step of 2, 10 s")
    args = ap.parse_args()
    if args.smoke:
        args.steps, args.seconds, args.hash_seconds, args.people, args.warmup = "2", 10, 5, 2, 10
    args.steps = [int(s) for s in str(args.steps).split(",")]
    if args.running:
        stack = ProdStack(log=lambda *_: None)
        if not all(stack.node_ready(n) for n in NODES):
            print("start the production-shaped stack first: make up PROFILE=prod", file=sys.stderr)
            return 1
        run(stack, args)
        return 0
    with temporary_stack(log=print) as stack:
        run(stack, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
