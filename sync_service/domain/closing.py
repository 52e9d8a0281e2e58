"""When an account closes (R-ACC-2, decision 0126): a person's last grant ended.

The document closes or cancels the account when its holder leaves (附件2-1 四 「俾便執行關閉帳號
等作業」, 附件3 第二條 「該帳號應向機關申請註銷」, B 「取消該系統管理者權限，並關閉系統功能」,
§二(三)2 「將帳號註銷或權限取消」). A closed account is disabled and marked with the Taiwanese
date and the reason (`screening.closedAt`, `screening.closedBecause`: the sign-in page tells its
holder); its record and audit stay, and a later grant opens it again.
"""

from __future__ import annotations

from collections.abc import Iterable

import policies

from .grants import Grant

# The reason a last grant's end writes; a later grant opens only what this reason closed
# (a suspension, say, keeps its own key and is lifted its own way).
LAST_GRANT_ENDED = "last-grant-ended"
# Access that is no grant of an institution: HPA's reviewers and the vendor's staff keep their account without one.
STAFF_ROLES = frozenset({policies.REVIEWER_ROLE, policies.VENDOR_ROLE})


def holds_nothing(grants: Iterable[Grant], roles: Iterable[str]) -> bool:
    """Nothing left to sign in for: no grant at any institution, no staff role."""
    return not any(True for _ in grants) and not STAFF_ROLES.intersection(roles)
