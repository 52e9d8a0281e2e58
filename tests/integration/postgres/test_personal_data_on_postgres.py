"""tests/unit/service/test_retention_and_pseudonyms.py, on PostgreSQL (the fixtures of this folder's conftest)."""

from tests.unit.service.test_retention_and_pseudonyms import (  # noqa: F401
    test_erasing_a_person_leaves_the_chain_intact_and_naming_nobody,
    test_retention_removes_old_records_keeps_young_ones_and_records_counts_only,
    test_the_chain_past_its_years_is_cut_at_a_signed_base_and_still_verifies,
    test_the_chain_rows_hold_no_account_name_or_e_mail,
)
