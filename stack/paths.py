"""Where things live. Everything under .cache/ and var/ is ignored by git."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"          # downloads: the Keycloak distribution
VAR = ROOT / "var"               # run-time state of `make up`: data, logs, mail, secrets
SECRETS_FILE = VAR / "secrets.env"
REALM_FILE = ROOT / "realm-export.json"
KEYCLOAK_CONFIG = ROOT / "keycloak-config"
PROVIDERS_MODULE = KEYCLOAK_CONFIG / "providers"
THEMES = KEYCLOAK_CONFIG / "themes"
REALM_NAME = "cancer-screening"
