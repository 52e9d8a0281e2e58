"""An upgrade without a stop (issue 20 item 8): the production shape's two Keycloak nodes from
--from (26.7.0) to --to (26.7.3), with our providers and theme, one node at a time, under a light
sign-in load through nginx. What docs/operations.md §7 says to do, done:

  1. compatibility first: `kc.sh update-compatibility metadata` on the running version's build,
     `kc.sh update-compatibility check` on the new one (exit 0: a rolling update is possible;
     3: not without a stop; patch releases need `--features=rolling-updates:v2` on the check, a
     preview in Keycloak 26, tried when the plain check says no);
  2. people signed in before the upgrade keep their tokens (refresh tokens kept from the start);
  3. for each node: nginx stops sending it requests (graceful reload), the node stops (it leaves
     the cluster), its copy is replaced by the new build, it starts and joins, nginx sends it
     requests again; the other node carries every sign-in meanwhile;
  4. all along, --load people sign in through the login form over and over: every refusal counted;
  5. after: every kept session refreshes its token, on the new version.

    .venv/bin/python bench/rolling_upgrade.py                # 26.7.0 -> 26.7.3, 2 people signing in, 20 sessions
    .venv/bin/python bench/rolling_upgrade.py --smoke        # the same with 1 person and 3 sessions

It starts its own production-shaped stack in a temporary folder, on --from.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.morning_peak import PASSWORD, SignIn, make_client, make_people  # noqa: E402
from stack.demo import admin_client  # noqa: E402
from stack.paths import REALM_NAME  # noqa: E402
from stack.prod import NODES, ProdStack, temporary_stack  # noqa: E402


def compatibility(stack: ProdStack, old_build: Path, new_build: Path, folder: Path) -> dict:
    """The update-compatibility commands, each with the options the nodes start with. Each runs
    in a copy of its build (not hard links): without --optimized the command may build the
    server again in place, which would change the shared build under the running nodes."""
    options = stack.node_options(NODES[0])
    env = {**os.environ, **stack.node_env()}
    meta = folder / "compatibility.json"
    old_build = shutil.copytree(old_build, folder / "old", symlinks=True)
    new_build = shutil.copytree(new_build, folder / "new", symlinks=True)
    made = subprocess.run(
        [str(old_build / "bin" / "kc.sh"), "update-compatibility", "metadata", f"--file={meta}", *options],
        cwd=old_build,
        env=env,
        capture_output=True,
        text=True,
    )
    checks = {}
    for label, extra in (("plain", []), ("rolling-updates:v2", ["--features=rolling-updates:v2"])):
        done = subprocess.run(
            [str(new_build / "bin" / "kc.sh"), "update-compatibility", "check", f"--file={meta}", *options, *extra],
            cwd=new_build,
            env=env,
            capture_output=True,
            text=True,
        )
        said = [line for line in (done.stdout + done.stderr).splitlines() if "Rolling Update" in line]
        checks[label] = (done.returncode, said[-1].strip() if said else (done.stdout + done.stderr)[-300:])
        if done.returncode == 0:
            break
    return {"metadata": made.returncode, "checks": checks}


class Load:
    """People signing in over and over through the login form until stopped; refusals counted."""

    def __init__(self, sign_in: SignIn, people: list[str]) -> None:
        self.sign_in, self.people = sign_in, people
        self.ok = 0
        self.refused: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(p,)) for p in people]
        self._t0 = time.monotonic()

    def _run(self, username: str) -> None:
        while not self._stop.is_set():
            try:
                self.sign_in.once(username)
                self.ok += 1
            except Exception as e:  # a refused sign-in is what this counts
                self.refused.append((time.monotonic() - self._t0, f"{type(e).__name__}: {e}"[:200]))

    def __enter__(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()


def sessions(stack: ProdStack, people: list[str], n: int) -> tuple[str, list[str]]:
    """n sessions signed in with the password grant of a bench client: their refresh tokens."""
    admin = admin_client(stack)
    client_id = f"bench-sessions-{uuid.uuid4().hex[:8]}"
    admin.create_client({"clientId": client_id, "publicClient": True, "directAccessGrantsEnabled": True})
    url = f"{stack.url}/realms/{REALM_NAME}/protocol/openid-connect/token"
    tokens = []
    for i in range(n):
        answer = requests.post(
            url,
            data={
                "grant_type": "password",
                "client_id": client_id,
                "username": people[i % len(people)],
                "password": PASSWORD,
            },
            verify=str(stack.ca_file),
            timeout=60,
        )
        answer.raise_for_status()
        tokens.append(answer.json()["refresh_token"])
    return client_id, tokens


def refreshed(stack: ProdStack, client_id: str, tokens: list[str]) -> tuple[list[str], int]:
    url = f"{stack.url}/realms/{REALM_NAME}/protocol/openid-connect/token"
    kept, ok = [], 0
    for token in tokens:
        answer = requests.post(
            url,
            data={"grant_type": "refresh_token", "client_id": client_id, "refresh_token": token},
            verify=str(stack.ca_file),
            timeout=60,
        )
        if answer.status_code == 200:
            ok += 1
            kept.append(answer.json()["refresh_token"])
        else:
            kept.append(token)
    return kept, ok


def run(stack: ProdStack, args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-upgrade-"))
    old_build = stack.build_dir
    if old_build is None:
        raise SystemExit("the stack has no build of its own Keycloak")
    print(f"building {args.to} with our providers and theme ...", flush=True)
    new_build = stack.build_keycloak(args.to)
    print("1. compatibility ...", flush=True)
    compat = compatibility(stack, old_build, new_build, folder)
    for label, (code, said) in compat["checks"].items():
        print(f"   update-compatibility check ({label}): exit {code}: {said}")
    admin = admin_client(stack)
    people = make_people(admin, max(args.load, 1))
    client_id, secret = make_client(admin)
    sign_in = SignIn(stack, client_id, secret)
    session_client, tokens = sessions(stack, people, args.sessions)
    print(f"2. {len(tokens)} sessions signed in on {args.source}", flush=True)
    timeline = []
    t0 = time.monotonic()
    with Load(sign_in, people[: args.load]) as load:
        time.sleep(args.settle)  # the load before the first node goes: a baseline of refusals (none)
        for i, node in enumerate(NODES):
            others = tuple(n for n in NODES if n != node)
            stack.balance(others)
            seconds = stack.replace_node(node, new_build)
            members = stack.cluster_members(node)
            stack.balance(NODES)
            tokens, ok = refreshed(stack, session_client, tokens)
            timeline.append((node, seconds, members, ok))
            print(
                f"3.{i + 1} {node} on {args.to} in {seconds:.0f} s, cluster of {members}; "
                f"sessions refreshed {ok}/{len(tokens)}; sign-ins so far {load.ok}, refused {len(load.refused)}",
                flush=True,
            )
            time.sleep(args.settle)  # both nodes serving again before the next one goes
    total = time.monotonic() - t0
    _, ok = refreshed(stack, session_client, tokens)
    print(f"\nrolling upgrade {args.source} -> {args.to}, {args.load} people signing in all along, {total:.0f} s:")
    print("| step | took | cluster after | sessions refreshed |\n|---|---|---|---|")
    for node, seconds, members, refreshed_ok in timeline:
        print(f"| {node} replaced | {seconds:.0f} s | {members} nodes | {refreshed_ok}/{len(tokens)} |")
    print(f"sign-ins during the upgrade: {load.ok} succeeded, {len(load.refused)} refused")
    for at, why in load.refused[:10]:
        print(f"   refused at {at:.0f} s: {why}")
    print(f"sessions from before the upgrade that refresh after it: {ok}/{len(tokens)}")
    admin.delete_client(admin.get_client_id(client_id) or "")
    admin.delete_client(admin.get_client_id(session_client) or "")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="source", default="26.7.0")
    ap.add_argument("--to", default="26.7.3")
    ap.add_argument("--load", type=int, default=2, help="people signing in all along")
    ap.add_argument("--sessions", type=int, default=20, help="sessions kept across the upgrade")
    ap.add_argument("--settle", type=float, default=30, help="seconds of load before and between the nodes")
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    if args.smoke:
        args.load, args.sessions, args.settle = 1, 3, 5
    with temporary_stack(log=print, keycloak_version=args.source) as stack:
        run(stack, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
