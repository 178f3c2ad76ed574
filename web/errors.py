"""Friendly error pages: not found, server error, directory unreachable."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _

from directory_service.directory.store import DirectoryUnavailable


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    """Attach the error handlers to app."""

    @app.errorhandler(404)
    def not_found(e):
        if _wants_json():
            return {"error": "not found"}, 404
        return render_template("error.html", title=_("Page not found"), code=404), 404

    @app.errorhandler(DirectoryUnavailable)
    def unavailable(e):
        app.logger.warning("directory unavailable: %s", e)
        if _wants_json():
            return {"error": "directory unavailable"}, 503
        message = _("The directory cannot be reached right now. Please try again in a moment.")
        return render_template(
            "error.html", title=_("Directory unavailable"), message=message, code=503, retry=True
        ), 503

    @app.errorhandler(500)
    def server_error(e):
        if _wants_json():
            return {"error": "internal error"}, 500
        return render_template("error.html", title=_("Something went wrong"), code=500), 500
