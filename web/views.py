"""Pages and the JSON API: home, search, person."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from directory_service.directory.search import QueryError, SearchPage, search_people
from directory_service.directory.store import Directory, PersonInfo, UnitInfo

bp = Blueprint("views", __name__)


def directory() -> Directory:
    """Return the application's directory connection."""
    return current_app.extensions["govdir"]


def _page_arg() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 1000))
    except ValueError:
        return 1


def unit_path(person: PersonInfo) -> list:
    return directory().unit_path_names(person.unit_path)


def unit_results(result: SearchPage | None) -> list[dict]:
    """Return the units a search names, each with its path, mailbox and people count."""
    if result is None or not result.units:
        return []
    from .units import unit_tree  # units.py builds on this module

    tree = unit_tree()
    return [
        {
            "code": u.code,
            "name": u.name,
            "mail": u.mail,
            "path": [{"code": a.code, "name": a.name} for a in _above(u)],
            "people": tree.people_count(u.code),
        }
        for u in result.units
    ]


def _above(unit: UnitInfo) -> list[UnitInfo]:
    """Return the units above a unit, below the top branch."""
    return directory().unit_path_names(unit.path[:-1])


def _scopes() -> list[tuple[str, list]]:
    """Return the choices for narrowing a search: central agencies, then provinces."""
    d = directory()
    return [(d.unit(code).name, d.children(code)) for code in ("TW", "DP") if d.unit(code)]


@bp.after_request
def remember_language(response):
    """Keep an explicit ?lang= choice in a cookie."""
    lang = request.args.get("lang")
    if lang in ("vi", "en"):
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
    return response


@bp.route("/")
def index():
    """Show the search box."""
    return render_template("search.html", query="", result=None, error=None, scopes=_scopes())


@bp.route("/search")
def search():
    """Show a page of people matching ?q=, optionally inside ?unit=."""
    query = request.args.get("q", "")
    unit = request.args.get("unit") or None
    result, error = None, None
    try:
        result = search_people(
            directory(), query, unit, _page_arg(), current_app.config["PER_PAGE"]
        )
    except QueryError:
        error = "too-long"
    paths = {p.uid: unit_path(p) for p in result.people} if result else {}
    units = unit_results(result) if result and result.page == 1 else []
    return render_template("search.html", query=query, unit=unit, result=result, error=error,
                           paths=paths, units=units, scopes=_scopes())  # fmt: skip


@bp.route("/api/search")
def api_search():
    """Return a page of matching people, and the units the query names, as JSON."""
    query = request.args.get("q", "")
    try:
        per_page = max(
            1, min(int(request.args.get("per_page", current_app.config["PER_PAGE"])), 50)
        )
    except ValueError:
        per_page = current_app.config["PER_PAGE"]
    try:
        result = search_people(
            directory(), query, request.args.get("unit") or None, _page_arg(), per_page
        )
    except QueryError as e:
        return jsonify(error=str(e)), 400
    people = [
        {
            "uid": p.uid,
            "name": p.name,
            "title": p.title,
            "mail": p.mail,
            "phone": p.phone,
            "unit": [{"code": u.code, "name": u.name} for u in unit_path(p)],
        }
        for p in result.people
    ]
    return jsonify(
        query=query, page=result.page, per_page=result.per_page, total=result.total,
        total_is_lower_bound=result.more, has_next=result.has_next, people=people,
        units=unit_results(result), units_total=result.units_total,
    )  # fmt: skip
