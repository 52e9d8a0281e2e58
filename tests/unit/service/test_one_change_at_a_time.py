"""A manager's seat has one B (revoke) or D (to user) open at a time (issue 21 point 8): a B and
a D for the same account, institution and category could be open at once and contradict."""

from __future__ import annotations

import pytest

from sync_service.services import applications as use_cases
from sync_service.services.errors import Conflict
from tests.support.sync import REVIEWER, form


def test_one_b_or_d_at_a_time_for_a_managers_seat(wiring):
    """Covers: R-MGR-3, R-MGR-5"""
    use_cases.submit(wiring.uow(), form("D", "3502990013", "lin12345"), caller=REVIEWER)
    with pytest.raises(Conflict) as refused:
        use_cases.submit(wiring.uow(), form("B", "3502990013", "lin12345"), caller=REVIEWER)
    assert "B 或 D 一次只能有一件" in refused.value.zh and "one B or D at a time" in refused.value.en
    use_cases.submit(wiring.uow(), form("B", "3502990014", "lin12345"), caller=REVIEWER)  # another seat: fine
