"""What a person reads on a page, checked for words that are not words: raw message keys,
unfilled placeholders, English with its apostrophes eaten by MessageFormat. And a picture of
each page (into docs/screenshots/ only when asked: --update-screenshots)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
THEMES = ROOT / "keycloak-config" / "themes"

RAW = [
    (re.compile(r"\$\{[^}]*\}"), "an unresolved ${…} key"),
    (re.compile(r"profile\.attributes\.\w+"), "a raw profile label key"),
    (re.compile(r"\b[a-z][A-Za-z]*Message\b"), "a raw …Message key"),
    (re.compile(r"\{\d+(,[^}]*)?\}|\{\{\s*\w+\s*\}\}"), "an unreplaced placeholder"),
]
# Contractions people write; with the quote eaten they read as these.
EATEN_CONTRACTIONS = (
    "dont",
    "doesnt",
    "didnt",
    "cant",
    "couldnt",
    "wont",
    "wouldnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "youre",
    "youve",
    "youll",
    "weve",
    "theyre",
    "hasnt",
    "havent",
)


@cache
def eaten_forms() -> frozenset[str]:
    """Every English word with an apostrophe in our messages, with the word after it, as it
    reads when the apostrophe is eaten ("Administration''s Cancer" -> "administrations cancer"):
    the pair, because "institutions" alone is a fine word."""
    pairs = set()
    for path in THEMES.rglob("messages_*.properties"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#"):
                continue
            for m in re.finditer(r"([A-Za-z]+'+[A-Za-z]+)\W+([A-Za-z]+)", line):
                pairs.add(f"{m.group(1).replace(chr(39), '')} {m.group(2)}".lower())
    return frozenset(pairs)


def problems(text: str) -> list[str]:
    """What is wrong with this visible text, one line each (empty: nothing)."""
    found = []
    for pattern, what in RAW:
        for m in pattern.finditer(text):
            found.append(f"{what}: {text[max(0, m.start() - 30) : m.end() + 30]!r}")
    words = re.findall(r"[A-Za-z]+", text)
    lowered = [w.lower() for w in words]
    pairs = eaten_forms()
    for i, word in enumerate(lowered):
        pair = f"{word} {lowered[i + 1]}" if i + 1 < len(lowered) else ""
        if word in EATEN_CONTRACTIONS or pair in pairs:
            found.append(f"an English word without its apostrophe: {' '.join(words[max(0, i - 3) : i + 3])!r}")
    return found


def visible_text(page: Page) -> str:
    """The text a person sees: the body's rendered text, plus the page title."""
    return page.title() + "\n" + page.locator("body").inner_text()


def screenshot(page: Page, folder: Path, name: str) -> None:
    """<folder>/<name>.png; the folder is the `screenshots_dir` fixture's (docs/screenshots/ only
    when asked: a normal test run leaves tracked files alone)."""
    path = folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled")
