"""The sync service starts from its application factory and answers its health check."""
from sync_service.settings import Settings
from sync_service.web import create_app


def test_health_answers_with_the_database_reachable(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'sync.db'}"))
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"

