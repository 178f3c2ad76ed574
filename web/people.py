"""Person pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from .views import directory, unit_path

bp = Blueprint("people", __name__)


@bp.route("/people/<uid>")
def person(uid: str):
    """Show one person's public details."""
    found = directory().person(uid)
    if found is None:
        abort(404)
    return render_template("person.html", p=found, path=unit_path(found))
