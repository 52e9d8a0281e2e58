"""The national ID digests the service computes are the ones Keycloak keeps (decision 0030)."""

from sync_service.domain import national_id_digest as nid

KEY = bytes(range(32))


def test_fragments_are_the_id_its_digits_and_runs_of_six_or_more():
    """Covers: R-PWD-5"""
    f = nid.fragments("A123456789")
    assert f[:2] == ["a123456789", "123456789"]
    assert "12345678" in f and "234567" in f and "456789" in f
    assert all(len(x) >= 6 for x in f) and len(f) == 11


def test_an_account_holds_an_id_by_its_digest_only():
    """Covers: R-PD-1"""
    stored = {"nationalIdDigests": nid.national_id_digests("A123456789", KEY)}
    assert nid.holds(stored, "A123456789", KEY)
    assert nid.holds(stored, "a123456789", KEY)
    assert not nid.holds(stored, "A123456780", KEY)
    assert not nid.holds(stored, "A123456789", bytes(32)), "another key finds nothing"
    assert "A123456789" not in str(stored) and "123456789" not in "".join(stored["nationalIdDigests"])


def test_the_digest_is_hmac_sha256_hex_as_the_java_side_computes_it():
    """A known answer, shared with NationalIdDigestTest (Java).

    Covers: R-PD-1
    """
    assert nid.digest("a123456789", KEY) == NATIONAL_ID_A123456789_DIGEST


NATIONAL_ID_A123456789_DIGEST = "f4bd8418ff76906bda3b1d5ae7da365dca80be05541b60d80f1950d5fdcfcabf"
