"""The sync service starts from its application factory and answers its health check."""

from sync_service.bootstrap import bootstrap
from sync_service.web import create_app
from tests.support.sync import settings_for_tests


def test_health_answers_with_the_database_reachable(tmp_path):
    wiring = bootstrap(settings_for_tests(f"sqlite:///{tmp_path / 'sync.db'}", tmp_path), keycloak_check=lambda: True)
    response = create_app(wiring).test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    wiring.engine.dispose()
