"""TEST ONLY: a template-matching solver against the reset captcha (issue 8, point 10).

It is the class of program that read 29 of 30 of the first captcha: cut the image into five
characters, match each against templates learnt from labelled images of the same drawing.
It is given every advantage a determined attacker would have: the renderer itself (the images
come from the providers' own drawing code, labelled), a training set of the same drawing, and
two ways of cutting (at blank columns, or in five equal slots where the renderer puts text).

    .venv/bin/python bench/captcha_solver.py [--train 400] [--test 400]

Prints the success rate (every character right) of the drawing before issue 8 (the
baseline, measured in the same run) and of the current one. Pure Python, no dependencies:
the images come as PGM files from the test class CaptchaSamples.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "keycloak-config" / "providers"
CELL_W, CELL_H = 14, 20
INK = 110  # grey level below which a pixel is ink (the first drawing's noise lines were lighter)


def samples(kind: str, count: int, seed: int, folder: Path) -> list[tuple[str, list[list[int]]]]:
    classes = f"{MODULE / 'target' / 'classes'}:{MODULE / 'target' / 'test-classes'}"
    subprocess.run(
        [
            "java",
            "-Djava.awt.headless=true",
            "-cp",
            classes,
            "tw.gov.hpa.screening.keycloak.reset.CaptchaSamples",
            kind,
            str(count),
            str(seed),
            str(folder),
        ],
        check=True,
    )
    return [(f.stem.split("_")[1], read_pgm(f)) for f in sorted(folder.glob("*.pgm"))]


def read_pgm(path: Path) -> list[list[int]]:
    data = path.read_bytes()
    header, rest = data.split(b"\n255\n", 1)
    width, height = map(int, header.split(b"\n")[1].split())
    return [[1 if rest[y * width + x] < INK else 0 for x in range(width)] for y in range(height)]


def cut_at_blank_columns(img, length: int) -> list[tuple[int, int]] | None:
    width = len(img[0])
    inked = [any(row[x] for row in img) for x in range(width)]
    runs, start = [], None
    for x, on in enumerate(inked + [False]):
        if on and start is None:
            start = x
        elif not on and start is not None:
            if x - start >= 3:
                runs.append((start, x))
            start = None
    return runs if len(runs) == length else None


def cut_in_slots(left: float, right: float, length: int) -> list[tuple[int, int]]:
    slot = (right - left) / length
    return [(int(left + i * slot), int(left + (i + 1) * slot)) for i in range(length)]


def cuts(img, length: int) -> list[list[tuple[int, int]]]:
    """The ways of cutting a text of `length` characters the solver tries."""
    width = len(img[0])
    inked = [x for x in range(width) if any(row[x] for row in img)]
    out = []
    if (blank := cut_at_blank_columns(img, length)) is not None:
        out.append(blank)
    if inked:
        out.append(cut_in_slots(inked[0], inked[-1] + 1, length))  # text fills the box
    out.append(cut_in_slots(10, width - 10, length))  # the first drawing's fixed slots
    out.append(cut_in_slots((width - 29.5 * length) / 2, (width + 29.5 * length) / 2, length))  # the current layout
    return out


def cell(img, x0: int, x1: int) -> list[float]:
    rows = [y for y in range(len(img)) if any(img[y][x0:x1])]
    if not rows:
        return [0.0] * (CELL_W * CELL_H)
    y0, y1 = rows[0], rows[-1] + 1
    return [
        float(img[y0 + (y1 - y0) * j // CELL_H][x0 + (x1 - x0) * i // CELL_W])
        for j in range(CELL_H)
        for i in range(CELL_W)
    ]


def train(labelled) -> dict[str, list[list[float]]]:
    """Templates per character, for each way of cutting (index), averaged over the training set."""
    sums: dict[tuple[int, str], list[float]] = {}
    counts: dict[tuple[int, str], int] = {}
    for text, img in labelled:
        for k, pieces in enumerate(cuts(img, len(text))):
            for ch, (x0, x1) in zip(text, pieces):
                vec = cell(img, x0, x1)
                acc = sums.setdefault((k, ch), [0.0] * len(vec))
                for i, v in enumerate(vec):
                    acc[i] += v
                counts[(k, ch)] = counts.get((k, ch), 0) + 1
    templates: dict[str, list[list[float]]] = {}
    for (k, ch), acc in sums.items():
        templates.setdefault(ch, []).append([v / counts[(k, ch)] for v in acc])
    return templates


def read_char(vec, templates) -> tuple[str, float]:
    best, best_d = "?", float("inf")
    for ch, ts in templates.items():
        for t in ts:
            d = sum((a - b) ** 2 for a, b in zip(vec, t))
            if d < best_d:
                best, best_d = ch, d
    return best, best_d


def solve(img, templates, length: int) -> str:
    """The reading with the best total match over the ways of cutting (the length is known)."""
    best, best_d = "", float("inf")
    for pieces in cuts(img, length):
        read = [read_char(cell(img, x0, x1), templates) for x0, x1 in pieces]
        total = sum(d for _, d in read)
        if total < best_d:
            best, best_d = "".join(c for c, _ in read), total
    return best


def rate(kind: str, n_train: int, n_test: int) -> tuple[int, int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        training = samples(kind, n_train, 1, Path(tmp) / "train")
        testing = samples(kind, n_test, 2, Path(tmp) / "test")
    templates = train(training)
    readings = [(text, solve(img, templates, len(text))) for text, img in testing]
    solved = sum(read == text for text, read in readings)
    chars = sum(a == b for text, read in readings for a, b in zip(read, text))
    return solved, len(testing), chars / sum(len(text) for text, _ in testing)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=300)
    parser.add_argument("--test", type=int, default=300)
    args = parser.parse_args()
    subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package", "-f", str(MODULE / "pom.xml")], check=True)
    results = {kind: rate(kind, args.train, args.test) for kind in ("legacy", "current")}
    base = results["legacy"][0] / results["legacy"][1]
    for kind, (solved, total, per_char) in results.items():
        share = solved / total
        ratio = f"{share / base:.3f}" if base else "n/a"
        print(
            f"{kind:8s} solved {solved:4d} of {total} = {share:6.2%}  (characters right {per_char:6.2%})  "
            f"ratio to baseline {ratio}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
