# The two commands of the README: `make up` and `make test`. Both install what they need.
.PHONY: up down clean test check bench-smoke bootstrap realm lock

bootstrap:
	@bash scripts/bootstrap.sh

# PROFILE=prod: the production-shaped stack (PostgreSQL, two Keycloak nodes behind nginx, gunicorn).
PROFILE ?= dev
up: bootstrap
	@.venv/bin/python -m stack up --profile $(PROFILE)

down:
	@if [ -x .venv/bin/python ]; then .venv/bin/python -m stack down; fi

# Forget the dev stack's state (Keycloak's database, mail, secrets): the next `make up`
# imports realm-export.json afresh. Keycloak skips the import of a realm it already has.
clean: down
	@rm -rf var/

# Re-resolve the locks after a change to pyproject.toml's dependencies (pins already there stay
# unless pyproject.toml asks otherwise; for newer versions of everything: `make lock
# LOCK_FLAGS=--upgrade`). Two locks by purpose: requirements.lock, what production installs
# (the service's dependencies and the `prod` extra: gunicorn, redis; `make up PROFILE=prod` runs
# from it alone); requirements-dev.lock, everything `make bootstrap` installs (the developer stack,
# tests, ruff, mypy), held to the runtime lock's versions.
lock:
	@[ -x .venv/bin/python ] || python3 -m venv .venv
	@.venv/bin/pip install -q uv
	@.venv/bin/uv pip compile pyproject.toml --extra prod --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command "make lock" $(LOCK_FLAGS) -o requirements.lock
	@.venv/bin/uv pip compile pyproject.toml --all-extras --constraint requirements.lock --python-version 3.11 \
		--generate-hashes --quiet --custom-compile-command "make lock" $(LOCK_FLAGS) -o requirements-dev.lock

realm: bootstrap
	@.venv/bin/python -m stack realm

# The inner loop, under a minute, no Keycloak or browser: lint and format (ruff), types (mypy,
# strict on domain/ and services/; pyproject.toml), the Python unit tests. Run it while
# working; `make test` runs it first. mypy and the tests run side by side (one core each).
check: bootstrap
	@.venv/bin/ruff check --quiet .
	@.venv/bin/ruff format --check --quiet .
	@.venv/bin/mypy --no-error-summary > .mypy.out 2>&1 & types=$$!; \
	.venv/bin/python -m pytest -q -p no:cacheprovider tests/unit; tests=$$?; \
	wait $$types; typed=$$?; cat .mypy.out; rm -f .mypy.out; \
	if [ $$typed -ne 0 ]; then echo "mypy: the types above need fixing"; fi; \
	[ $$typed -eq 0 ] && [ $$tests -eq 0 ]

# Each script in bench/ at its smallest size, on a Keycloak of its own run: that the benches
# still run to their figures (never their timing). `make test` runs it last (decision 0171);
# alone, after changing what a bench drives.
bench-smoke: bootstrap
	@.venv/bin/python -m pytest -p no:cacheprovider --bench-smoke tests/benches

# Java unit tests, then every Python test (unit, integration against a real
# Keycloak the run starts once, browser), then the benches' smoke runs in a pytest session of
# their own (some benches want a realm no other test has touched). pytest's exit 5 ("no tests
# ran") fails make too.
test: check
	@if [ -f keycloak-config/providers/pom.xml ]; then mvn -B -q -f keycloak-config/providers/pom.xml test; fi
	@.venv/bin/python -m pytest
	@$(MAKE) --no-print-directory bench-smoke
