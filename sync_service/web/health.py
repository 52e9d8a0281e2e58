"""Health: `/health` is ready only when the database and Keycloak both answer (a load balancer
takes a web process out otherwise); `/health/live`: the process answers at all."""

from flask import Blueprint, current_app, jsonify

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health():
    wiring = current_app.extensions["sync"]
    checks = {"database": wiring.database_ok(), "keycloak": wiring.keycloak_ok()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "degraded", **{k: "ok" if v else "unreachable" for k, v in checks.items()}}
    return jsonify(body), 200 if ok else 503


@blueprint.get("/health/live")
def live():
    return jsonify({"status": "ok"})
