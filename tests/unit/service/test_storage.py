"""Storage: migrations, the repositories' round trip, personal data at rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from sync_service.adapters import migrations
from sync_service.adapters.challenge_store import DatabaseChallengeStore
from sync_service.adapters.crypto import PersonalDataCipher
from sync_service.adapters.database import make_engine
from sync_service.adapters.tables import applications, captcha_challenges, manager_seats, metadata
from sync_service.services import applications as use_cases
from sync_service.services.challenges import Challenges
from tests.support.sync import REVIEWER, VENDOR, form, ready_application, receive_originals


def test_migrations_build_the_schema_on_an_empty_database(database_url):
    engine = make_engine(database_url)
    migrations.upgrade(engine)
    from alembic.script import ScriptDirectory

    assert migrations.current(engine) == ScriptDirectory.from_config(migrations.alembic_config()).get_current_head()
    assert {"applications", "manager_seats", "outbox", "audit_log"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:  # the tables the code uses are the tables the migrations made
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in diff if d[0] not in ("remove_table",)] == []
    migrations.upgrade(engine)  # a second run changes nothing
    migrations.downgrade(engine, "base")
    assert "applications" not in inspect(engine).get_table_names()
    engine.dispose()


def test_an_application_round_trips_through_the_repository(wiring):
    """Covers: R-FORM-1, R-FORM-6, R-DOC-4"""
    app = use_cases.submit(
        wiring.uow(), form("B", "0401180014", "wang1234", effective_date=None), caller=REVIEWER, documents=["form-1"]
    )
    receive_originals(wiring, app.id)
    use_cases.record_vendor_processing(
        wiring.uow(), app.id, caller=VENDOR, vendor_name="林工程師", processed_on="2025-05-03", notes="已核對"
    )
    with wiring.uow() as uow:
        back = uow.applications.get(app.id)
    assert back.form == app.form
    assert (back.type, back.institution, back.category) == (app.type, app.institution, app.category)
    assert back.declared_documents == {"form-1"} and back.submitted_at == app.submitted_at
    assert back.receipts["form-1"].letter_number.startswith("國健癌字第") and back.status.value == "originals_received"
    assert back.vendor_record.name == "林工程師" and back.vendor_record.notes == "已核對"
    assert back.submitted_at.tzinfo is not None


def test_national_id_is_encrypted_at_rest_and_found_by_keyed_hash(wiring):
    """Covers: R-PD-1"""
    app_id = ready_application(wiring, "A", "0401180014", "wang12345", national_id="A123456789")
    with wiring.engine.connect() as conn:
        row = conn.execute(select(applications).where(applications.c.id == app_id)).one()
    assert b"A123456789" not in row.national_id_ciphertext
    assert "A123456789" not in row.national_id_hash and len(row.national_id_hash) == 64
    with wiring.uow() as uow:
        found = uow.applications.list(national_id="a123456789 ")
        assert [a.id for a in found] == [app_id]
        assert uow.applications.list(national_id="B123456780") == []


def test_cipher_properties():
    """Covers: R-PD-1"""
    cipher = PersonalDataCipher(b"k" * 32)
    blob = cipher.encrypt("A123456789", context="app-1")
    assert blob != cipher.encrypt("A123456789", context="app-1")  # fresh nonce each time
    assert cipher.decrypt(blob, context="app-1") == "A123456789"
    with pytest.raises(Exception):
        cipher.decrypt(blob, context="app-2")  # bound to its row
    with pytest.raises(Exception):
        PersonalDataCipher(b"x" * 32).decrypt(blob, context="app-1")
    assert cipher.lookup_hash("A123456789") == cipher.lookup_hash("a123456789")
    assert cipher.lookup_hash("A123456789") != PersonalDataCipher(b"x" * 32).lookup_hash("A123456789")


def test_the_database_holds_one_manager_per_institution_and_category(wiring):
    """Covers: R-MGR-1"""
    row = {"institution_code": "0401180014", "category": "CRC-COL", "manager": "wang1234", "version": 1}
    with wiring.engine.begin() as conn:
        conn.execute(insert(manager_seats).values(**row))
    with pytest.raises(IntegrityError), wiring.engine.begin() as conn:
        conn.execute(insert(manager_seats).values(**{**row, "manager": "lee12345"}))


def test_key_file_is_made_once_with_owner_only_permissions(tmp_path):
    from sync_service.adapters.keys import load_or_create_key

    path = tmp_path / "var" / "k.key"
    key = load_or_create_key("", path)
    assert len(key) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_key("", path) == key


def test_a_captcha_challenge_is_good_once_until_it_expires_in_any_process(database_url):
    """The intake's challenges in the database (decision 0133): two web processes (two stores
    over one database) share them; an answer, right or wrong, closes one; expired ones are
    refused and swept."""
    engine = make_engine(database_url)
    migrations.upgrade(engine)
    now = [datetime(2026, 12, 5, 1, 0, tzinfo=UTC)]

    def process() -> Challenges:
        return Challenges(
            DatabaseChallengeStore(engine), lambda text: text.encode(), clock=lambda: now[0], sweep_every=4
        )

    issuing, checking = process(), process()
    first = issuing.issue()
    answer = issuing.answer_for_tests(first)
    assert checking.image(first) == answer.encode()
    assert not checking.check(first, "WRONG")
    assert not issuing.check(first, answer)  # closed by the wrong answer
    second = issuing.issue()
    assert checking.check(second, issuing.answer_for_tests(second).lower()) and not checking.check(second, "")
    late = issuing.issue()
    now[0] += timedelta(minutes=10)
    assert checking.image(late) is None and issuing.answer_for_tests(late) is None
    issuing.issue()  # the fourth issue of this process sweeps the expired one
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(captcha_challenges)).scalar_one() == 1
    engine.dispose()
