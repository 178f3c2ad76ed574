"""Operations endpoints: /healthz (slapd reachable, replication lag) and /metrics (Prometheus)."""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from directory_service.directory.lag import context_csns, idle_since, lags
from directory_service.directory.store import Directory, DirectoryUnavailable

bp = Blueprint("operations", __name__)

# Seconds a consumer may be behind its provider before /healthz calls it unhealthy.
DEFAULT_MAX_LAG = 60.0
REGISTRY = CollectorRegistry()
REQUESTS = Histogram("govdir_http_request_seconds", "Time to answer a request, by endpoint",
                     ["endpoint"], registry=REGISTRY)  # fmt: skip
LDAP_OPERATIONS = Histogram("govdir_ldap_operation_seconds", "Time of an LDAP operation",
                            ["operation"], registry=REGISTRY)  # fmt: skip
SEARCHES = Counter("govdir_searches_total", "People searches, by endpoint", ["endpoint"],
                   registry=REGISTRY)  # fmt: skip
IMPORT_BATCHES = Counter("govdir_import_batches_total", "Import batches applied from the web",
                         registry=REGISTRY)  # fmt: skip
LAG = Gauge("govdir_replication_lag_seconds", "How far this consumer is behind its provider",
            ["server_id"], registry=REGISTRY, multiprocess_mode="max")  # fmt: skip
SEARCH_ENDPOINTS = {"views.search", "views.api_search"}


def replication_lag(directory: Directory) -> dict:
    """Return the lag of a consumer per server id, and since when its provider is idle."""
    here = context_csns(directory)
    there = context_csns(directory.for_writes())
    found = lags(here, there)
    newest = idle_since(there)
    return {
        "lag_seconds": {str(x.server_id): x.seconds for x in found},
        "max_lag_seconds": max((x.seconds for x in found), default=0.0),
        "idle_since": newest.isoformat() if newest and not any(x.seconds for x in found) else None,
    }


@bp.route("/healthz")
def healthz():
    """Answer 200 when slapd answers and, on a consumer, its lag is under the threshold."""
    directory: Directory = current_app.extensions["govdir"]
    body: dict = {"ldap": "ok"}
    try:
        context_csns(directory)
    except DirectoryUnavailable as e:
        return jsonify({"ldap": "unreachable", "error": str(e)}), 503
    if directory.settings.provider:
        limit = float(os.environ.get("GOVDIR_MAX_LAG", DEFAULT_MAX_LAG))
        try:
            body["replication"] = replication_lag(directory)
        except DirectoryUnavailable as e:
            # It still answers from its copy; whether that is stale cannot be told.
            body["replication"] = {"provider": "unreachable", "error": str(e)}
            return jsonify(body), 200
        for sid, seconds in body["replication"]["lag_seconds"].items():
            LAG.labels(sid).set(seconds if seconds != float("inf") else -1)
        if body["replication"]["max_lag_seconds"] > limit:
            body["replication"]["status"] = f"behind by more than {limit:g} s"
            return jsonify(body), 503
    return jsonify(body), 200


@bp.route("/metrics")
def metrics():
    """Return the metrics in Prometheus' text format (of every gunicorn worker, if asked)."""
    directory: Directory = current_app.extensions["govdir"]
    if directory.settings.provider:
        try:
            for sid, seconds in replication_lag(directory)["lag_seconds"].items():
                LAG.labels(sid).set(seconds if seconds != float("inf") else -1)
        except DirectoryUnavailable:
            pass
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _started() -> None:
    g.started = time.perf_counter()


def _finished(response: Response) -> Response:
    if request.endpoint and hasattr(g, "started"):
        REQUESTS.labels(request.endpoint).observe(time.perf_counter() - g.started)
        if request.endpoint in SEARCH_ENDPOINTS and request.args.get("q"):
            SEARCHES.labels(request.endpoint).inc()
    return response


def init_app(app: Flask) -> None:
    """Register the endpoints and time every request and LDAP search."""
    app.register_blueprint(bp)
    app.before_request(_started)
    app.after_request(_finished)
    # Behind a reverse proxy, the client's address (rate limits) is the one it forwards.
    if proxies := int(os.environ.get("GOVDIR_TRUSTED_PROXIES", "0")):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    directory: Directory = app.extensions["govdir"]
    directory.observer = lambda op, seconds: LDAP_OPERATIONS.labels(op).observe(seconds)
