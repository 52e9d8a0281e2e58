"""The pages under load: the reviewers' queue with 20,000 applications against
200, and each printed form as PDF against the same form as an HTML page.

    .venv/bin/python bench/pages.py [--rounds 30] [--large 20000] [--small 200]

In-process (Flask's test client, SQLite files in a temporary folder, no
Keycloak): what is measured is the service's own work per request. The two
queue databases and the two renderings take turns, round by round, so both see
the same machine load. Prints medians and ratios. Target: queue ≤ 1.5×. (The PDF's 1.5× of the HTML
page is withdrawn, issue 23; bench/printed_forms.py times the PDFs, decision 0170.)
The load average is printed at the start and the end (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import policies  # noqa: E402
from stack.samples import StaticTokens, form, settings_for_tests  # noqa: E402
from sync_service.bootstrap import bootstrap  # noqa: E402
from sync_service.domain import new_application  # noqa: E402
from sync_service.domain.references import new_reference  # noqa: E402
from sync_service.services.ports import Directory, SignInState  # noqa: E402
from sync_service.services.printing import PRINTABLE  # noqa: E402
from sync_service.web import create_app  # noqa: E402

CATEGORIES = ("CRC-COL", "CER-COL", "HPV-COL", "GAS-COL", "GAS-LAB")


class BenchReviewerSignedIn:
    """The realm's word on the bench's one reviewer, whom every page asks after (decision 0130):
    still signed in, still a reviewer. The queue asks the directory nothing else."""

    def sign_in_state(self, account_id: str, session_id: str | None) -> SignInState:
        return SignInState(alive=True, roles=frozenset({"hpa-reviewer"}))


def make_service(folder: Path, count: int):
    wiring = bootstrap(
        settings_for_tests(f"sqlite:///{folder / 'bench.db'}", folder),
        directory_factory=lambda: cast(Directory, BenchReviewerSignedIn()),  # only sign_in_state is asked
        token_verifier=StaticTokens({}),
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with wiring.uow() as uow:
        for i in range(count):
            app = new_application(
                catalogue=policies.load(),
                id=new_reference(),
                today=start.date(),
                **form(
                    "A",
                    f"{i % 997:010d}",
                    f"bench{i:07d}x",
                    category=CATEGORIES[i % 5],
                    application_date=start.date().isoformat(),
                ),
            )
            app.submit(by="bench", at=start + timedelta(minutes=i))
            app.events.clear()  # the audit chain is not what is measured
            uow.applications.add(app)
        uow.commit()
    flask_app = create_app(wiring=wiring)
    client = flask_app.test_client()
    with client.session_transaction() as session:  # signed in as the pages keep it (decision 0130)
        session["signin"] = {
            "subject": "bench",
            "username": "bench-reviewer",
            "roles": ["hpa-reviewer"],
            "sid": "bench-session",
            "until": time.time() + 86400,
            "checked_at": 0,
        }
    return wiring, client


def timed(client, url: str) -> float:
    t = time.perf_counter()
    r = client.get(url)
    elapsed = time.perf_counter() - t
    assert r.status_code == 200, (url, r.status_code)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--large", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=200)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        services = {}
        for label, count in (("small", args.small), ("large", args.large)):
            folder = Path(tmp) / label
            folder.mkdir()
            t = time.perf_counter()
            services[label] = make_service(folder, count)
            print(f"{label}: {count} applications loaded in {time.perf_counter() - t:.1f} s")
        urls = {
            "queue (all, oldest first)": "/review/",
            "queue (submitted, CRC-COL)": "/review/?status=submitted&category=CRC-COL",
        }
        times: dict[tuple[str, str], list[float]] = {(u, label): [] for u in urls for label in services}
        for _ in range(args.rounds):
            for u, url in urls.items():
                for label in services:
                    times[(u, label)].append(timed(services[label][1], url))
        for u in urls:
            small = statistics.median(times[(u, "small")])
            large = statistics.median(times[(u, "large")])
            print(
                f"{u}: {args.small}: {small * 1000:.1f} ms, {args.large}: {large * 1000:.1f} ms, "
                f"ratio {large / small:.2f}× (target ≤ 1.5×)"
            )

        wiring, client = services["small"]
        with wiring.uow() as uow:
            reference = uow.applications.queue(limit=1)[0][0].id
        with client.session_transaction() as session:
            session["references"] = [reference]
        # Each printed form as an HTML page and as PDF, taking turns. A process's first PDF of a
        # kind converts that kind's glyphs and prepares its fixed texts once (decision 0065): timed
        # apart, not in the medians.
        for document in PRINTABLE:
            first = timed(client, f"/applications/{reference}/forms/{document}.pdf")
            print(f"{document}: the process's first PDF of this kind {first * 1000:.0f} ms (prepared once)")
        for document in PRINTABLE:
            html, pdf = [], []
            for _ in range(args.rounds):
                html.append(timed(client, f"/applications/{reference}/forms/{document}"))
                pdf.append(timed(client, f"/applications/{reference}/forms/{document}.pdf"))
            h, p = statistics.median(html), statistics.median(pdf)
            print(f"{document}: HTML {h * 1000:.1f} ms, PDF {p * 1000:.1f} ms, ratio {p / h:.2f}× (target ≤ 1.5×)")
        print(f"load average {os.getloadavg()[0]:.1f} (1 min) at the end")
        for w, _ in services.values():
            w.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
