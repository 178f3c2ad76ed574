"""Flask front end of the directory: search, person pages, JSON API; Vietnamese by default."""

from __future__ import annotations

import os

from flask import Flask, request
from flask_babel import Babel, get_locale
from flask_wtf.csrf import CSRFProtect

from directory_service.directory.settings import connection_settings, web_secret
from directory_service.directory.store import Directory

from .protection import protect

LANGUAGES = ("vi", "en")


def select_locale() -> str:
    """Return the UI language: ?lang=, then the lang cookie, then Vietnamese."""
    lang = request.args.get("lang") or request.cookies.get("lang")
    return lang if lang in LANGUAGES else "vi"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the web application, bound read-only to the directory."""
    app = Flask(__name__)
    app.config.from_mapping(
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(app.root_path, "translations"),
        GOVDIR_DATA_DIR=None,
        PER_PAGE=20,
        JSON_AS_ASCII=False,
        # Uploads: a province's whole list fits; anything larger is refused before it is read.
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        # Unit list downloads stay off until sign-in exists; GOVDIR_UNIT_DOWNLOADS=1 enables them.
        UNIT_DOWNLOADS=os.environ.get("GOVDIR_UNIT_DOWNLOADS", "") in ("1", "true", "yes"),
    )
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = web_secret(app.config["GOVDIR_DATA_DIR"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
    )
    CSRFProtect(app)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    directory = app.config.get("DIRECTORY")
    if directory is None:
        directory = Directory(connection_settings(app.config["GOVDIR_DATA_DIR"], account="web"))
    app.extensions["govdir"] = directory

    from . import (
        account,
        admin,
        coverage,
        errors,
        imports,
        operations,
        passwords,
        people,
        twostep,
        units,
        views,
    )

    account.login_manager.init_app(app)
    app.register_blueprint(account.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(passwords.bp)
    app.register_blueprint(twostep.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(units.bp)
    app.register_blueprint(coverage.bp)
    operations.init_app(app)
    errors.register(app)
    protect(app)
    return app
