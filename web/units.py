"""Unit pages, the browsable organisational tree, and a unit's list for download.

Each unit page links to its list of people as CSV, XLSX and vCard (``/units/<code>/people.csv``,
``.xlsx``, ``.vcf``) for signed-in people; setting ``UNIT_DOWNLOADS`` offers them to everyone.
Otherwise the links are not shown and those routes answer 404.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, jsonify, render_template, send_file
from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from directory_service.directory.store import UnitInfo
from directory_service.directory.units import UnitTree
from directory_service.exports.spreadsheets import list_rows, to_csv, to_xlsx
from directory_service.exports.vcard import people_vcards

from .views import directory, unit_path

bp = Blueprint("units", __name__)

BRANCHES = ("TW", "DP")
TYPE_LABELS = {
    "nhanh": _l("Branch of government"),
    "bo": _l("Ministry"),
    "ngang-bo": _l("Ministerial-level agency"),
    "thuoc-cp": _l("Government agency"),
    "van-phong": _l("Office"),
    "vu": _l("Department"),
    "cuc": _l("Agency"),
    "thanh-tra": _l("Inspectorate"),
    "trung-tam": _l("Centre"),
    "tinh": _l("Province"),
    "thanh-pho": _l("Centrally run city"),
    "so": _l("Provincial department"),
    "huyen": _l("District"),
    "xa": _l("Commune"),
    "phuong": _l("Ward"),
    "dac-khu": _l("Special zone"),
    "thi-tran": _l("Township"),
    "phong": _l("Division"),
}
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "vcf": "text/vcard; charset=utf-8",
}


def unit_tree() -> UnitTree:
    """Return the application's unit tree, whose people counts are cached across requests."""
    tree = current_app.extensions.get("govdir_units")
    if tree is None:
        tree = current_app.extensions.setdefault("govdir_units", UnitTree(directory()))
    return tree


def download_formats() -> list[str]:
    """Return the formats a unit's list can be downloaded in: for signed-in people, or for
    everyone with UNIT_DOWNLOADS on."""
    public = current_app.config.get("UNIT_DOWNLOADS", False)
    return list(MIMETYPES) if public or current_user.is_authenticated else []


@bp.app_template_filter("number")
def number(value: int) -> str:
    """Format a number for the current locale (1.234 in Vietnamese, 1,234 in English)."""
    return format_number(value)


@bp.app_template_filter("unit_type")
def unit_type(code: str) -> str:
    """Return the name of a unit type in the current language."""
    label = TYPE_LABELS.get(code)
    return str(label) if label is not None else code


def _known(code: str) -> UnitInfo:
    found = unit_tree().unit(code)
    if found is None:
        abort(404)
    return found


def child_rows(code: str) -> list[dict]:
    """Return a unit's children with whether each has children and its subtree's people count."""
    tree = unit_tree()
    return [
        {
            "code": u.code,
            "name": u.name,
            "type": u.type,
            "has_children": tree.has_children(u.code),
            "people": tree.people_count(u.code),
        }
        for u in tree.children(code)
    ]


@bp.route("/units/<code>")
def unit(code: str):
    """Show a unit: its place in the tree, mailbox, people (leaders first) and sub-units."""
    found = _known(code)
    tree = unit_tree()
    return render_template(
        "unit.html", unit=found, ancestors=tree.ancestors(found), people=tree.people(code),
        children=child_rows(code), formats=download_formats(),
    )  # fmt: skip


@bp.route("/units/<code>/people.<fmt>")
def download(code: str, fmt: str):
    """Send the list of a unit's people as CSV, XLSX or vCard, when downloads are on."""
    if fmt not in download_formats():
        abort(404)
    found = _known(code)
    people = unit_tree().people(code).everyone
    if fmt == "vcf":
        data = people_vcards(people, unit_path).encode()
    else:
        rows = list_rows(found, people)
        data = to_csv(rows) if fmt == "csv" else to_xlsx(rows, found.name)
    return send_file(
        io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True,
        download_name=f"{found.code}.{fmt}",
    )  # fmt: skip


@bp.route("/browse")
def browse():
    """Show the organisational tree: both branches and the units directly under them."""
    tree = unit_tree()
    branches = [
        (u, tree.people_count(u.code), child_rows(u.code))
        for u in (tree.unit(c) for c in BRANCHES)
        if u is not None
    ]
    return render_template("browse.html", branches=branches)


@bp.route("/api/units/<code>/children")
def api_children(code: str):
    """Return the units directly under a unit, with their people counts, as JSON."""
    found = _known(code)
    return jsonify(code=found.code, name=found.name, children=child_rows(code))
