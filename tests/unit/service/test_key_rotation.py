"""Rotating the personal-data key and the audit signing key: what the old keys made
stays readable and verifiable; new records name the new key."""

from __future__ import annotations

import base64
import secrets

import pytest
from sqlalchemy import select

from sync_service.adapters.audit_chain import AuditChain
from sync_service.adapters.crypto import PersonalDataCipher, _derive
from sync_service.adapters.keys import load_key_ring, rotate_key_file
from sync_service.adapters.tables import applications, audit_log
from sync_service.bootstrap import bootstrap
from tests.support.sync import REVIEWER, StaticTokens, new_account_name, ready_application, settings_for_tests

CODE = "0401180014"


@pytest.fixture
def settings(database_url, tmp_path):
    # Key files, not keys in the environment: `keys rotate` works on the files.
    return settings_for_tests(database_url, tmp_path, data_key="", audit_key="")


def wire(settings, fake_keycloak, mailer):
    return bootstrap(
        settings,
        directory_factory=fake_keycloak.directory,
        mailer=mailer,
        token_verifier=StaticTokens({"reviewer": REVIEWER}),
    )


def test_rotating_both_keys_keeps_old_records_readable_and_verifiable(settings, fake_keycloak, mailer):
    """Covers: R-PD-1, R-AUD-1"""
    before = wire(settings, fake_keycloak, mailer)
    old_app = ready_application(before, "A", CODE, new_account_name(), national_id="A123456789")
    rotate_key_file(settings.data_key_file)
    rotate_key_file(settings.audit_key_file)
    after = wire(settings, fake_keycloak, mailer)
    try:
        assert after.cipher.key_id != before.cipher.key_id and after.chain.key_id != before.chain.key_id
        new_app = ready_application(after, "A", "0401180015", new_account_name(), national_id="A123456789")
        with after.uow() as uow:
            assert uow.applications.get(old_app).form.national_id.value == "A123456789"
            assert uow.applications.get(new_app).form.national_id.value == "A123456789"
            # Look-ups by national ID find rows hashed under the old key and the new.
            assert {a.id for a in uow.applications.list(national_id="A123456789")} == {old_app, new_app}
        with after.engine.connect() as conn:
            assert after.chain.verify(conn).ok
            key_ids = {s.split(":")[0] for s in conn.execute(select(audit_log.c.signature)).scalars()}
            blobs = dict(conn.execute(select(applications.c.id, applications.c.national_id_ciphertext)).all())
        assert key_ids == {before.chain.key_id, after.chain.key_id}
        # The new records are the new key's: the old key alone neither verifies nor decrypts them.
        with before.engine.connect() as conn:
            report = before.chain.verify(conn)
        assert not report.ok and "signature" in report.broken.reason
        with pytest.raises(ValueError, match=after.cipher.key_id):
            before.cipher.decrypt(blobs[new_app], context=new_app)
    finally:
        before.engine.dispose()
        after.engine.dispose()


def test_records_from_before_key_ids_still_verify_and_decrypt_after_a_rotation():
    """Covers: R-PD-1, R-AUD-1"""
    old_key, new_key = secrets.token_bytes(32), secrets.token_bytes(32)
    # What the service wrote before key ids: version 1 ciphertexts, hex signatures.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    aead = AESGCM(_derive(old_key, b"sync-service personal data encryption"))
    legacy_blob = b"\x01" + nonce + aead.encrypt(nonce, b"A123456789", b"app-1")
    assert PersonalDataCipher(new_key, retired=[old_key]).decrypt(legacy_blob, "app-1") == "A123456789"
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    legacy_signature = Ed25519PrivateKey.from_private_bytes(old_key).sign(b"f" * 64).hex()
    assert AuditChain(new_key, retired=[old_key]).signature_valid("f" * 64, legacy_signature)
    assert not AuditChain(new_key).signature_valid("f" * 64, legacy_signature)


def test_a_rotated_key_file_lists_old_keys_first_and_stays_owner_only(tmp_path):
    path = tmp_path / "k.key"
    first = load_key_ring("", path)
    new = rotate_key_file(path)
    assert load_key_ring("", path) == [*first, new]
    assert path.stat().st_mode & 0o777 == 0o600
    listed = " ".join(base64.b64encode(k).decode() for k in [*first, new])
    assert load_key_ring(listed, tmp_path / "unused.key") == [*first, new]


def test_scanned_documents_are_sealed_under_the_key_ring_and_bound_to_their_scan():
    """Covers: R-PD-1"""
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    scan = b"%PDF-1.7 form 1, signed"
    sealed = PersonalDataCipher(old).encrypt_bytes(scan, "app-1/scan-1")
    rotated = PersonalDataCipher(new, retired=[old])
    assert rotated.decrypt_bytes(sealed, "app-1/scan-1") == scan
    assert rotated.decrypt_bytes(rotated.encrypt_bytes(scan, "app-1/scan-1"), "app-1/scan-1") == scan
    with pytest.raises(Exception):
        rotated.decrypt_bytes(sealed, "app-1/scan-2")  # moved to another scan: does not open
