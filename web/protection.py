"""What every response carries and what every client is held to: security headers, rate limits.

Content-Security-Policy allows scripts, styles and images from this site only (no inline
script), and no framing. Sign-in attempts and searches are limited per client address
(Flask-Limiter): in memory by default, in a shared store such as Redis in production
(``GOVDIR_RATELIMIT_STORAGE_URI``, e.g. ``redis://host:6379``), so every web process counts
together. Session cookies are HttpOnly and SameSite=Lax, and Secure when
``GOVDIR_SECURE_COOKIES=1`` (behind HTTPS).
"""

from __future__ import annotations

import os

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
SIGN_IN_LIMIT = "10 per minute"  # per client address: a person mistyping is never held up
SEARCH_LIMIT = "600 per minute"  # autocomplete while typing, not a scraper's loop
LIMITED = {
    "account.login": (SIGN_IN_LIMIT, ["POST"]),
    "passwords.reset": (SIGN_IN_LIMIT, ["POST"]),
    "twostep.code": (SIGN_IN_LIMIT, ["POST"]),
    "passwords.activate": (SIGN_IN_LIMIT, ["POST"]),
    "passwords.reset_with": (SIGN_IN_LIMIT, ["POST"]),
    "views.search": (SEARCH_LIMIT, None),
    "views.api_search": (SEARCH_LIMIT, None),
}


def protect(app: Flask) -> Limiter:
    """Add the headers to every response and the rate limits to sign-in and search."""
    app.config.setdefault("SESSION_COOKIE_SECURE", os.environ.get("GOVDIR_SECURE_COOKIES") == "1")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])

    @app.after_request
    def add_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # One limiter per application: its counts live with it (or in the shared store).
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=os.environ.get("GOVDIR_RATELIMIT_STORAGE_URI", "memory://"),
        headers_enabled=True,
    )
    # The decorated views hold the limiter weakly: the application holds it for them.
    app.extensions["govdir_limiter"] = limiter
    for endpoint, (limit, methods) in LIMITED.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(limit, methods=methods)(view)
    return limiter
