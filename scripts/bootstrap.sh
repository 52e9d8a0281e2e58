#!/usr/bin/env bash
# Installs what `make up` and `make test` need on a fresh machine: Debian's
# chromium and CJK fonts (browser tests, screenshots), the Python venv, the
# Keycloak distribution (through Maven). Quiet and quick when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need_apt+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)  # the forms' PDF text in the browser tests
# The printed forms (WeasyPrint, decision 0170): Pango and its FreeType/HarfBuzz backend.
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
# The production-shaped stack (make up PROFILE=prod) and its tests: PostgreSQL, nginx, redis.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v nginx >/dev/null 2>&1 || need_apt+=(nginx-light)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# The operators' view: Prometheus (its promtool checks the alert rules in `make check`) and the
# blackbox exporter that reads the certificates' expiry.
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || need_apt+=(prometheus-blackbox-exporter)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
  echo "creating the Python venv (.venv)"
  python3 -m venv .venv
fi
# The exact versions of requirements-dev.lock (hash-checked: the service's runtime lock plus the
# developer stack, tests and tools), then our own code on top without resolving anything again:
# two fresh machines get the same set. (`make up PROFILE=prod` runs the service from
# requirements.lock alone, in a venv of its own: stack/runtime_venv.py.)
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements-dev.lock -nt "$stamp" ]; then
  echo "installing Python packages into .venv (requirements-dev.lock)"
  {
    .venv/bin/pip install -q -U pip &&
    .venv/bin/pip install -q --require-hashes -r requirements-dev.lock &&
    .venv/bin/pip install -q --no-deps -e . &&
    .venv/bin/pip check
  } > .venv/pip.log 2>&1 || { cat .venv/pip.log; exit 1; }
  touch "$stamp"
fi

.venv/bin/python -c 'from stack.keycloak import ensure_distribution; ensure_distribution()'
