"""Three wrong passwords lock the account across the two-node cluster too (issue 19 item 3,
decision 0135): guesses posted at once, half straight to each node."""

from __future__ import annotations

import policies
from tests.support.guesses import on_node, open_sign_in_form, redirect_uri_of, wrong_burst_then_right

BURST = 50


def test_fifty_parallel_wrong_passwords_split_over_both_nodes_are_evaluated_at_most_three_times(
    prod_stack, prod_admin, make_people
):
    """Fifty wrong passwords posted at the same moment, alternately to each node past nginx (an
    attacker who reaches both), then the right one through nginx: at most three are evaluated in
    the whole cluster, each is counted, the account is locked, the right password refused.

    Covers: R-LCK-1
    """
    prod_stack.ensure_cluster()  # both nodes up and in one view (a test before may have stopped one)
    ((username, password),) = make_people(1)
    person = {"username": username, "password": password, "id": prod_admin.get_user_id(username)}
    ca = str(prod_stack.ca_file)
    redirect = redirect_uri_of(prod_admin)
    nodes = [f"https://127.0.0.1:{prod_stack.ports[node]}" for node in ("kc1", "kc2")]
    forms = [on_node(open_sign_in_form(prod_stack.url, redirect, ca), nodes[i % 2]) for i in range(BURST)]

    burst = wrong_burst_then_right(prod_admin, person, forms, open_sign_in_form(prod_stack.url, redirect, ca))

    assert burst.evaluated <= policies.load().lockout.failures, burst
    assert burst.counted == burst.evaluated, f"every evaluated password is counted: {burst}"
    assert burst.locked, burst
    assert not burst.right_accepted, "the right password, sent after the burst, is refused"
