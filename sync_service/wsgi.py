"""The WSGI entry for a production server: `gunicorn sync_service.wsgi:app`.

Each server process wires its own adapters (engine, keys, clients) from the
environment's settings on import; nothing is shared between processes but the
database and the rate-limit store.
"""
from .bootstrap import bootstrap
from .settings import Settings
from .web import create_app

app = create_app(bootstrap(Settings()))
