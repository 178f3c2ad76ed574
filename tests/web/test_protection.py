"""Security headers on every page, and rate limits on sign-in and search per client address."""

from __future__ import annotations

import re

from web.protection import CSP, SEARCH_LIMIT


def test_every_page_carries_the_security_headers(client):
    for path in ("/", "/search?q=nguyen", "/login", "/browse", "/no-such-page"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP, path
        assert "script-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_has_inline_script_or_style(client):
    for path in ("/", "/search?q=nguyen", "/login", "/browse"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " style=" not in page and "<style" not in page, path


def test_sign_in_attempts_are_limited_per_client(client):
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)  # fmt: skip
    codes = [
        client.post(
            "/login", data={"email": "x@hanoi.gov.vn", "password": "p", "csrf_token": token}
        ).status_code  # fmt: skip
        for _ in range(11)
    ]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    assert client.get("/login").status_code == 200  # the form itself is not limited


def test_search_is_limited_per_client(app, client):
    limit = int(SEARCH_LIMIT.split()[0])
    assert limit >= 300  # typing a name into the autocomplete never comes near it
    codes = {client.get("/api/search?q=an").status_code for _ in range(limit)}
    assert codes == {200}
    assert client.get("/api/search?q=an").status_code == 429
    assert client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200


def test_the_limits_outlive_a_garbage_collection(web_directory):
    import gc

    from web import create_app

    # As served, and with the limits switched off (RATELIMIT_ENABLED), as a deployment may.
    app = create_app({"DIRECTORY": web_directory, "SECRET_KEY": "x", "RATELIMIT_ENABLED": False})
    gc.collect()
    client = app.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/api/search?q=an").status_code == 200
