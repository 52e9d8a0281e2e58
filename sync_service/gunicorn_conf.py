"""gunicorn's settings for the sync service's web processes (`gunicorn -c
python:sync_service.gunicorn_conf 'sync_service.bootstrap:web_app()'`): the management port.

The arbiter (gunicorn's own process, which forks the web processes and outlives them) serves
/metrics at SYNC_METRICS_ADDRESS, adding up what every process of the host counted in
PROMETHEUS_MULTIPROC_DIR (the web processes and the outbox workers started with the same
folder; adapters/metrics.py)."""

from __future__ import annotations


def when_ready(server) -> None:
    from sqlalchemy.pool import NullPool

    from .adapters.database import make_engine
    from .adapters.metrics import serve_management
    from .settings import Settings

    settings = Settings()
    if settings.metrics_address:
        # A connection per scrape, none kept: the arbiter forks the web processes, which must not
        # share (and at their exit close) a connection of its pool.
        engine = make_engine(settings.database_url, poolclass=NullPool)
        serve_management(settings.metrics_address, lambda: engine)
        server.log.info("metrics at http://%s/metrics", settings.metrics_address)


def child_exit(server, worker) -> None:
    from .adapters.metrics import forget_process

    forget_process(worker.pid)
