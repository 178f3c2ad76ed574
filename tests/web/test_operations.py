"""/healthz and /metrics on a single server, through Flask's test client."""

from __future__ import annotations

from directory_service.directory.settings import ConnectionSettings
from directory_service.directory.store import Directory


def test_healthz_says_slapd_answers(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"ldap": "ok"}


def test_healthz_is_unhealthy_when_slapd_does_not_answer(web_directory):
    from web import create_app

    settings = ConnectionSettings("ldap://127.0.0.1:9", None, None, web_directory.base_dn)
    app = create_app({"TESTING": True, "DIRECTORY": Directory(settings, timeout=1)})
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.json["ldap"] == "unreachable"


def test_metrics_count_requests_searches_and_ldap_operations(client):
    before = client.get("/metrics").get_data(as_text=True)
    client.get("/api/search?q=nguyen+van")
    text = client.get("/metrics").get_data(as_text=True)
    assert text.startswith("# HELP") and "text/plain" in client.get("/metrics").content_type
    line = 'govdir_searches_total{endpoint="views.api_search"}'
    assert _value(text, line) == _value(before, line) + 1
    assert _value(text, 'govdir_http_request_seconds_count{endpoint="views.api_search"}') >= 1
    assert _value(text, 'govdir_ldap_operation_seconds_count{operation="search"}') >= 1
    assert "govdir_import_batches_total" in text


def _value(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0
