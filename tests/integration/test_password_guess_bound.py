"""Three wrong passwords lock the account, however many are sent at once (issue 19 item 3,
decision 0135): against the run's real Keycloak, through its sign-in page."""

from __future__ import annotations

import policies
from tests.support.guesses import open_sign_in_form, redirect_uri_of, wrong_burst_then_right

BURST = 50


def test_fifty_parallel_wrong_passwords_are_evaluated_at_most_three_times_and_lock(keycloak, admin, make_user):
    """Fifty wrong passwords posted at the same moment, then the right one: Keycloak evaluates at
    most three of them, counts every one it evaluates, locks the account, and refuses the right
    password afterwards. (Keycloak 26.7.3's own protector evaluated one, refused the other 49 as
    `user_disabled` uncounted, and let the right password in.)

    Covers: R-LCK-1
    """
    person = make_user()
    redirect = redirect_uri_of(admin)
    forms = [open_sign_in_form(keycloak.url, redirect) for _ in range(BURST)]

    burst = wrong_burst_then_right(admin, person, forms, open_sign_in_form(keycloak.url, redirect))

    assert burst.evaluated <= policies.load().lockout.failures, burst
    assert burst.counted == burst.evaluated, f"every evaluated password is counted: {burst}"
    assert burst.locked, burst
    assert not burst.right_accepted, "the right password, sent after the burst, is refused"
