from flask import Blueprint, current_app, jsonify

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health():
    ok = current_app.extensions["sync"].database_ok()
    body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unreachable"}
    return jsonify(body), 200 if ok else 503
