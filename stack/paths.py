"""Where things live. Everything under .cache/ and var/ is ignored by git."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"  # downloads: the Keycloak distribution
# run-time state of `make up`: data, logs, mail, secrets (SCREENING_VAR: a second stack beside it)
VAR = Path(os.environ.get("SCREENING_VAR", ROOT / "var"))
SECRETS_FILE = VAR / "secrets.env"
# Added to every port of `make up`, so a second stack (bench/startup.py) can run beside the first.
PORT_OFFSET = int(os.environ.get("SCREENING_PORT_OFFSET", "0"))
REALM_FILE = ROOT / "realm-export.json"
KEYCLOAK_CONFIG = ROOT / "keycloak-config"
PROVIDERS_MODULE = KEYCLOAK_CONFIG / "providers"
THEMES = KEYCLOAK_CONFIG / "themes"
REALM_NAME = "cancer-screening"
