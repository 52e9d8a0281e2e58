"""The printed-form decision (docs/decisions/0170): each form as a PDF through the hand layout
(adapters/pdf_forms.py + cjk_font.py, decision 0065) and through the forms' own HTML printed by
WeasyPrint (adapters/html_pdf.py), the same model, the same process, interleaved round by round
so both meet the same machine load. Prints per form the median milliseconds, the ratio, and
the lines of our code each way.

    .venv/bin/python bench/printed_forms.py [--rounds 20]

The first PDF of each (fonts read, glyphs converted) is timed apart. Target: a PDF in under
a second; ratios, not times, on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import policies  # noqa: E402
from stack.samples import form  # noqa: E402
from sync_service.domain import new_application, taiwan_date  # noqa: E402
from sync_service.services import printing  # noqa: E402
from sync_service.services.ports import Renderer  # noqa: E402

# Our code each way: what a newcomer reads to change a form's look.
CODE = {
    "hand layout": ["sync_service/adapters/pdf_forms.py", "sync_service/adapters/cjk_font.py"],  # 586 lines until 0170
    "HTML + WeasyPrint": [
        "sync_service/adapters/html_pdf.py",
        "sync_service/web/templates/printed/sheets.html",
        "sync_service/web/templates/printed/document.html",
        "sync_service/web/static/printed.css",
    ],
}


def renderers() -> dict[str, Renderer]:
    found: dict[str, Renderer] = {}
    try:
        from sync_service.adapters.pdf_forms import PdfForms

        found["hand layout"] = PdfForms(help_desk=policies.load().help_desk)
    except ImportError:  # decision 0170 removed it; the bench then times the one left
        pass
    from sync_service.adapters.html_pdf import HtmlPdfForms

    found["HTML + WeasyPrint"] = HtmlPdfForms()
    return found


def lines_of(paths: list[str]) -> int:
    return sum(len((ROOT / p).read_text(encoding="utf-8").splitlines()) for p in paths if (ROOT / p).exists())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    app = new_application(
        catalogue=policies.load(),
        id="K7Q3MX9P2F4D",
        today=taiwan_date(datetime.now(UTC)),  # the form's date is Taipei's: after 16:00 UTC, UTC's day is a day behind
        **{**form("A", "3502990011", "wang1234", phone="(03)932-1234#21"), "applicant_name": "王小堃"},
    )
    forms = {d: printing.printed_form(app, d, base_url="https://sync.example.tw") for d in printing.PRINTABLE}
    ways = renderers()
    first: dict[str, float] = {}
    for name, renderer in ways.items():
        t = time.perf_counter()
        for f in forms.values():
            renderer.render(f)
        first[name] = time.perf_counter() - t
    times: dict[tuple[str, str], list[float]] = {(d, n): [] for d in forms for n in ways}
    for r in range(args.rounds):
        order = list(ways.items()) if r % 2 == 0 else list(reversed(ways.items()))
        for document, f in forms.items():
            for name, renderer in order:
                t = time.perf_counter()
                pdf = renderer.render(f)
                times[(document, name)].append(time.perf_counter() - t)
                assert pdf.startswith(b"%PDF-")
    names = list(ways)
    print("\n| form | " + " | ".join(f"{n}, median ms" for n in names) + " | ratio |")
    print("|---|" + "---|" * len(names) + "---|")
    for document in forms:
        medians = [statistics.median(times[(document, n)]) * 1000 for n in names]
        ratio = f"{medians[-1] / medians[0]:.1f}x" if len(medians) == 2 else "-"
        print(f"| {document} | " + " | ".join(f"{m:.0f}" for m in medians) + f" | {ratio} |")
    print(
        "\nfirst PDF of each form (fonts read, glyphs converted): " + ", ".join(f"{n} {first[n]:.2f} s" for n in names)
    )
    print("lines of our code: " + ", ".join(f"{n} {lines_of(CODE[n])}" for n in CODE))
    print(f"{args.rounds} rounds, interleaved; load average at end: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
