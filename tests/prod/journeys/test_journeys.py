"""The people's journeys of the developer stack, run on the production shape (conftest.py here
says how). Each import below is a browser journey that `make test` also runs on the developer
stack; the test is the same function, only the stack under it differs.

- a new manager: type A from the form through the reviewer's queue, the originals and the
  approval to the mailed password and the first sign-in at the screening system; a manager in
  Keycloak's admin console (test_applicant_to_approval, test_admin_console), and the console's
  refusals saying why in the manager's language (test_console_refusals);
- a user's first sign-in through the stand-in screening system (test_first_sign_in);
- a reviewer's decisions, C and D filed signed in, a B flagged and approved
  (test_review_decisions, test_departure_notice); a C or D filed signed in with another person's
  national ID refused on the form (test_applications_belong_to_a_person); a C for an account a
  manager made in the console (test_console_account_becomes_manager);
- /my-data and /access-reviews (test_personal_data_pages, test_access_review_pages);
- a scan uploaded and read back, scans up to the documented size through nginx and a refusal
  over it that leads back (test_scans);
- lockout and the self-service reset (test_lockout_and_reset);
- page sessions that end with sign-out, a removed role, a disabled account and Keycloak's
  back-channel logout, and the pages' cookie (test_sessions_end);
- the vendor: a written request of a person without an account, its processing recorded and
  approval refused, an institution suspended and lifted (test_vendor);
- the managers' page: two managers of one person, each ending only their own grant, and an
  existing account added by national ID (test_managers_page);
- the holder of a locked or closed account told so at sign-in (test_locked_and_closed_sign_in);
- originals recorded letter by letter, a future date refused (test_originals_received);
- a dated D taking effect at 00:00 Taipei (a worker of this process with its clock injected, beside
  the stack's own, which leave the change to its real day), a B filed from the institution's letter
  and decided by another reviewer (test_dated_changes);
- an institution suspended: its user out of the stand-in screening system on the next request,
  its manager out of the admin console on the next step, and the lifting giving every grant back
  (tests/integration/sync/test_suspensions).
"""

from __future__ import annotations

import pytest

from tests.browser.sync_pages.test_access_review_pages import (  # noqa: F401
    test_a_manager_confirms_users_and_hpa_sees_who_has_not_answered,
)
from tests.browser.sync_pages.test_applicant_to_approval import (  # noqa: F401
    test_type_a_from_the_form_to_the_managers_first_sign_in,
)
from tests.browser.sync_pages.test_applications_belong_to_a_person import (  # noqa: F401
    test_a_c_or_d_filed_signed_in_is_checked_against_the_account_at_once,
)
from tests.browser.sync_pages.test_console_account_becomes_manager import (  # noqa: F401
    test_a_c_for_an_account_a_manager_made_in_the_console,
)
from tests.browser.sync_pages.test_dated_changes import (  # noqa: F401
    test_a_b_filed_from_the_institutions_letter_is_decided_by_another_reviewer,
    test_a_dated_d_takes_effect_at_midnight,
)
from tests.browser.sync_pages.test_departure_notice import (  # noqa: F401
    test_short_notice_is_flagged_to_the_reviewer_who_may_still_approve,
)
from tests.browser.sync_pages.test_managers_page import (  # noqa: F401
    test_two_managers_of_one_person_each_end_only_their_own_grant_and_add_by_national_id,
)
from tests.browser.sync_pages.test_originals_received import (  # noqa: F401
    test_originals_recorded_letter_by_letter_and_a_future_date_refused,
)
from tests.browser.sync_pages.test_personal_data_pages import (  # noqa: F401
    test_a_person_asks_for_a_copy_a_correction_and_deletion_and_a_reviewer_decides,
)
from tests.browser.sync_pages.test_review_decisions import (  # noqa: F401
    test_a_rejected_application_shows_its_reason_on_the_status_page,
    test_c_and_d_filed_signed_in_and_a_manager_replaced_in_one_decision,
)
from tests.browser.sync_pages.test_scans import (  # noqa: F401
    test_an_applicant_uploads_a_scan_that_only_they_and_reviewers_can_read,
    test_scans_up_to_the_documented_size_upload_and_a_refusal_leads_back,
)
from tests.browser.sync_pages.test_sessions_end import (  # noqa: F401
    test_a_disabled_ex_reviewer_cannot_reject_an_application,
    test_a_reviewer_whose_role_is_removed_is_refused_within_the_check_time,
    test_a_session_ended_in_keycloak_ends_the_page_session_at_once,
    test_sign_out_ends_the_page_session_and_the_realm_session_and_the_cookie_is_worth_nothing,
)
from tests.browser.sync_pages.test_vendor import (  # noqa: F401
    test_the_vendor_records_its_processing_and_is_refused_on_approve,
    test_the_vendor_registers_a_written_request_of_a_person_without_an_account_and_closes_it_in_time,
    test_the_vendor_suspends_an_institution_on_the_page_and_a_reviewer_lifts_it,
)
from tests.browser.test_admin_console import (  # noqa: F401
    test_a_manager_sees_only_their_users_and_creates_one,
)
from tests.browser.test_console_refusals import (  # noqa: F401
    test_the_consoles_refusals_say_why_in_english,
    test_the_consoles_refusals_say_why_in_zh_hant,
)
from tests.browser.test_first_sign_in import (  # noqa: F401
    test_new_account_changes_password_confirms_profile_and_accepts_terms,
)
from tests.browser.test_locked_and_closed_sign_in import (  # noqa: F401
    test_the_holder_of_a_closed_account_is_told_when_why_and_whom_to_call,
    test_the_holder_of_a_locked_account_is_told_it_is_locked_and_how_to_unlock_it,
)
from tests.browser.test_lockout_and_reset import (  # noqa: F401
    test_locked_out_person_resets_and_signs_in_again,
    test_three_wrong_passwords_lock_the_account,
)
from tests.integration.sync.test_suspensions import (  # noqa: F401
    test_an_institution_suspended_signs_nobody_in_for_it_and_lifting_gives_everything_back,
)

pytestmark = pytest.mark.browser
