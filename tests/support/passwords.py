"""What the realm's password policy asks, checked in Python: the tests' yardstick
for generated passwords (the realm itself enforces it; policies/security.toml)."""

from __future__ import annotations

import string

import policies


def satisfies_policy(password: str) -> bool:
    rules = policies.load().password
    allowed = set(string.ascii_letters + string.digits + rules.symbols)
    return (
        rules.min_length <= len(password) <= rules.max_length
        and set(password) <= allowed
        and sum(c.isupper() for c in password) >= rules.upper_case
        and sum(c.islower() for c in password) >= rules.lower_case
        and sum(c.isdigit() for c in password) >= rules.digits
        and sum(c in rules.symbols for c in password) >= rules.min_symbols
    )
