"""What a person reads on a page, checked for words that are not words: raw message keys,
unfilled placeholders, English with its apostrophes eaten by MessageFormat; codes where a
person expects names (the audit's keys, category codes without their names, document ids,
Keycloak's event names), Python's reprs, epoch numbers, times in UTC or unlabelled, and
English where a zh-Hant reader expects Chinese (issue 21 point 9). And a picture of each page
(into docs/screenshots/ only when asked: --update-screenshots)."""

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


# Codes that are never words (issue 21 point 3). Addresses and e-mails are taken out first.
CODES = [
    (
        re.compile(
            r"(?<![\w@/.-])(?:application|keycloak|account|decision|personal_data|access-review|retention|"
            r"screening|file|document|auth|request|copy|form|scan|http)\.[A-Za-z_][\w.]*"
        ),
        "a raw key",
    ),
    (re.compile(r"(?<![\w@.-])[a-z]+_[a-z_]+\b(?![@.\w])"), "a snake_case key"),
    (re.compile(r"\b[A-Z]+_[A-Z_]+\b"), "an event name"),
    (
        # Quotes around list and dict items; None, True, False beside Python's punctuation (the
        # English word "None" beside 無 is a word).
        re.compile(
            r"\[['\"]|\{['\"]|['\"]\]|['\"]\}|['\"]: |[=:(\[,] ?(?:None|True|False)\b|"
            r"\b(?:None|True|False) ?[,)\]}]|object at 0x|datetime\."
        ),
        "a Python repr",
    ),
    (re.compile(r"(?<![\d-])1\d{12}(?![\d-])"), "an epoch number (ms)"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"), "a raw ISO time"),
    (re.compile(r"\bUTC\b(?!\s*\+\s*8)|\+00:00"), "a UTC time"),
]
EPOCH_SECONDS = re.compile(r"(?<![\d-])1[6-9]\d{8}(?![\d-])")
INSTITUTION_CODE_BESIDE_NAME = re.compile(r"(?<=[^\s\d(（])[（(]\d{10}[）)]")
# A date with an hour, as our pages print it (2026-12-05 11:56) and as a browser's toLocaleString
# prints it (the console: 「2026/12/5 下午5:20:54」, 「2026年12月5日 下午5:20」, "12/5/2026, 5:20:54 PM",
# "December 5, 2026 at 5:20 PM").
TIME = re.compile(
    r"\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?[\s,]*(?:[上下]午|中午|凌晨|早上|晚上)?\s*\d{1,2}:\d{2}"
    r"|\d{1,2}/\d{1,2}/\d{4},?\s+\d{1,2}:\d{2}"
    r"|\b[A-Z][a-z]+ \d{1,2}, \d{4},?(?: at)? \d{1,2}:\d{2}"
)
TIME_LABELS = ("臺北時間", "Taipei time", "UTC+8")
TAIPEI = "Asia/Taipei"
# Addresses, and hashes (a checkpoint's SHA-256, which auditors compare as it is: its digits are no
# epoch number, however they fall).
ADDRESS = re.compile(r"\S+@\S+|https?://\S+|[\w-]+(?:\.[\w-]+)+\.(?:tw|com|org|net|example|local)\b|\b[0-9a-f]{32,}\b")


@cache
def _policy_codes() -> tuple[dict[str, tuple[str, str]], frozenset[str]]:
    import policies

    p = policies.load()
    return {c.id: (c.zh, c.en) for c in p.categories.values()}, frozenset(p.documents)


def codes(text: str, allowed: frozenset[str] = frozenset(), institutions: dict[str, str] | None = None) -> list[str]:
    """Codes where a person expects names. `allowed`: numbers and names the walk made that are
    words here (its institution codes, account names). `institutions`: the walk's institutions
    that have a name (code -> name): their code is shown beside the name, never alone."""
    found = []
    for code, name in (institutions or {}).items():
        lines = text.splitlines()
        for i, line in enumerate(lines):
            near = " ".join(lines[max(0, i - 1) : i + 2])  # a name in the cell or line beside it
            if re.search(rf"(?<!\d){code}(?!\d)", ADDRESS.sub(" ", line)) and name not in near:
                found.append(f"an institution's code without its name ({name}): {line.strip()[:100]!r}")
    categories, documents = _policy_codes()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        # The console script's 「（name）」 beside a code may be the next line of the text (a flex
        # row's items are blocks in innerText): on the screen it is beside it.
        after = lines[i + 1].strip() if i + 1 < len(lines) else ""
        beside = f"{line} {after}" if after.startswith(("（", "(")) else line
        bare = line
        for word in allowed:  # before the addresses and hashes go: an allowed line may hold them
            bare = bare.replace(word, " ")
        bare = ADDRESS.sub(" ", bare)
        for pattern, what in CODES:
            for m in pattern.finditer(bare):
                found.append(f"{what}: {bare[max(0, m.start() - 30) : m.end() + 30].strip()!r}")
        # An institution's 10-digit code in brackets after its name (「醫院（1723607481）」) is the
        # name's code, however much it looks like seconds since 1970.
        for m in EPOCH_SECONDS.finditer(INSTITUTION_CODE_BESIDE_NAME.sub(" ", bare)):
            found.append(f"an epoch number: {bare[max(0, m.start() - 30) : m.end() + 30].strip()!r}")
        for code, names in categories.items():
            # Its name beside it, in either language (an English screen names it in English).
            if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", bare) and not any(n in beside for n in names):
                found.append(f"a category code without its name: {line.strip()[:80]!r}")
        for document in documents:
            if re.search(rf"(?<![\w-]){re.escape(document)}(?![\w-])", bare):
                found.append(f"a document id: {line.strip()[:80]!r}")
    if TIME.search(text) and not any(label in text for label in TIME_LABELS):
        found.append(f"a time without its zone (臺北時間): {TIME.search(text).group(0)!r}")
    return found


HAN = re.compile(r"[\u4e00-\u9fff]")
# Latin words a zh-Hant reader meets as they are (names of formats and tests, units).
LATIN_WORDS = {"HPV", "PDF", "PNG", "JPEG", "QR", "code", "E-mail", "mail", "UTC", "KB", "MB", "JSON", "Keycloak"}


def english_lines(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Lines of a zh-Hant screen that are English only (an untranslated console string, an
    English refusal). A line with Chinese beside its English is the agency's bilingual style."""
    found = []
    for line in text.splitlines():
        bare = ADDRESS.sub(" ", line)
        for word in allowed:
            bare = bare.replace(word, " ")
        latin = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", bare) if w not in LATIN_WORDS and not w.isupper()]
        if len(latin) >= 2 and not HAN.search(line):
            found.append(f"English in a zh-Hant screen: {line.strip()[:100]!r}")
    return found


def english_outside_english(page: Page, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The sync service's pages are zh-Hant with English beside it, in `lang="en"` elements (or
    on the same line where HTML allows no element: a title, an option). With those set aside, a
    line holding English and no Chinese is English a zh-Hant reader was not meant to read (a
    status "pending" in a cell, "Documents missing: ..." untranslated)."""
    text = page.evaluate(
        """() => {
            const hidden = [...document.querySelectorAll('[lang="en"]')];
            hidden.forEach(e => e.dataset.walkDisplay = e.style.display || ' ');
            hidden.forEach(e => e.style.display = 'none');
            const text = document.body.innerText;
            hidden.forEach(e => { e.style.display = e.dataset.walkDisplay.trim(); delete e.dataset.walkDisplay; });
            return text;
        }"""
    )
    found = []
    for line in text.splitlines():
        bare = ADDRESS.sub(" ", line)
        for word in allowed:
            bare = bare.replace(word, " ")
        latin = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", bare) if w not in LATIN_WORDS and not w.isupper()]
        if latin and not HAN.search(line):
            found.append(f"English without Chinese beside it: {line.strip()[:100]!r}")
    return found


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
    """The text a person sees: the body's rendered text, the page title, and what the page shows
    in read-only fields (the console prints a user's creation time in one: not in innerText)."""
    shown = page.evaluate(
        """() => [...document.querySelectorAll('input[readonly], textarea[readonly]')]
            .filter(e => e.offsetParent !== null && e.value).map(e => e.value)"""
    )
    return "\n".join([page.title(), page.locator("body").inner_text(), *shown])


def browser_zone(page: Page) -> str:
    """The time zone the browser prints local times in (the console's, unlabelled)."""
    return page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")


def screenshot(page: Page, folder: Path, name: str) -> None:
    """<folder>/<name>.png; the folder is the `screenshots_dir` fixture's (docs/screenshots/ only
    when asked: a normal test run leaves tracked files alone)."""
    path = folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled")


# Every screen and mail the walks read in this run (printed at the end of the run, conftest.py).
WALKED: dict[str, set[str]] = {"screens": set(), "mails": set()}


class Reader:
    """Reads each screen or mail a walk meets, as a person of `language` reads it; gathers what
    is wrong instead of stopping at the first. `allowed`: what the walk made that may show as it
    is (its account names, institution codes)."""

    def __init__(self, language: str, shots, walk: str, allowed=(), browser_times: bool = False):
        self.language = language
        # Screens that print times in the browser's zone (Keycloak's consoles), not the server's.
        self.browser_times = browser_times
        self.shots = shots
        self.walk = walk
        self.allowed = frozenset(allowed)
        self.institutions: dict[str, str] = {}
        self.found: dict[str, list[str]] = {}
        self.seen: list[str] = []

    def allow(self, *words: str) -> None:
        self.allowed = self.allowed | {w for w in words if w}

    def institution(self, code: str, name: str) -> None:
        """An institution the walk named: its code may show, beside its name only."""
        self.allow(code)
        self.institutions[code] = name

    def page(
        self, page: Page, name: str, bilingual_page: bool = False, mail: bool = False, codes_listed: str = ""
    ) -> str:
        """A Keycloak page or console screen; `bilingual_page`: the sync service's own pages,
        zh-Hant with the English in lang="en" elements; `mail`: a mail's HTML part, shown in the
        browser (counted as the mail, not as a screen); `codes_listed`: why this page may list the
        walk's institutions by code alone (a list of every institution, for the agency's staff)."""
        # The consoles poll, so "network idle" never comes; each step waits for its own content.
        page.wait_for_load_state("load")
        text = visible_text(page)
        extra = english_outside_english(page, self.allowed) if bilingual_page else []
        read = text
        if self.browser_times and not mail and browser_zone(page) == TAIPEI:
            # Keycloak's console prints times in the browser's zone and cannot label it (decision
            # 0150, Limits): a browser in Taipei, as a manager's is, shows Taipei's hour. In any
            # other zone (UTC) the unlabelled time still fails.
            read = TIME.sub("臺北時間", text)
        self.text(read, name, extra=extra, mail=mail, bilingual_page=bilingual_page, named=not codes_listed)
        self.picture(page, name)
        return text

    def picture(self, page: Page, name: str) -> None:
        screenshot(page, self.shots, f"words/{self.language}/{self.walk}-{len(self.seen):02d}-{name}")

    def text(
        self, text: str, name: str, extra=(), mail: bool = False, bilingual_page: bool = False, named: bool = True
    ) -> None:
        self.seen.append(name)
        # A mail counts once, its plain text and its HTML part together.
        counted = name.removesuffix("-text") if mail else name
        WALKED["mails" if mail else "screens"].add(f"{self.language}/{self.walk}/{counted}")
        found = problems(text) + codes(text, self.allowed, self.institutions if named else {}) + list(extra)
        if self.language == "zh-Hant" and not bilingual_page:
            # In a zh-Hant mail, the Chinese comes first: the English after its ---- line is beside it.
            chinese = text.split("\n----")[0] if mail else text
            found += english_lines(chinese, self.allowed)
        if found:
            self.found[name] = found

    def mail(self, page: Page, message, name: str) -> str:
        """A mail as its reader sees it: the plain text checked, the HTML part shown in the browser
        (checked and pictured like a page, its English in lang="en"). Returns the plain text."""
        from stack.mailsink import body_text

        text = body_text(message)
        self.text(message["Subject"] + "\n" + text, f"{name}-text", mail=True)
        html = message.get_body(preferencelist=("html",))
        if html is not None:
            viewer = page.context.new_page()
            viewer.set_content(html.get_content())
            self.page(viewer, name, bilingual_page=self.language == "zh-Hant", mail=True)
            viewer.close()
        return text

    def assert_clean(self) -> None:
        assert self.found == {}, "\n".join(f"{n}: {p}" for n, ps in self.found.items() for p in ps)
