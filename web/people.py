"""Person pages: details, vCard download and the vCard as a QR code."""

from __future__ import annotations

import re
from urllib.parse import quote

import segno
from flask import Blueprint, Response, abort, current_app, render_template, url_for
from markupsafe import Markup

from directory_service.directory.store import PersonInfo
from directory_service.exports.vcard import person_vcard
from directory_service.text import fold

from .views import directory, unit_path

bp = Blueprint("people", __name__)


def _found(uid: str) -> PersonInfo:
    person = directory().person(uid)
    if person is None:
        abort(404)
    return person


def unit_url(code: str) -> str | None:
    """Return the URL of a unit's page, or None while no unit page exists."""
    if "units.unit" not in current_app.view_functions:
        return None
    return url_for("units.unit", code=code)


def tel_uri(phone: str) -> str:
    """Return a tel: URI for a phone number as written in the directory."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def qr_svg(text: str) -> Markup:
    """Return text as a QR code (error correction M), inline SVG markup."""
    code = segno.make(text, error="m", boost_error=False)
    return Markup(code.svg_inline(omitsize=True, svgclass="qr-code", lineclass=None))


def download_filename(person: PersonInfo) -> tuple[str, str]:
    """Return (ASCII filename, UTF-8 filename) of a person's .vcf download."""
    ascii_name = re.sub(r"[^A-Za-z0-9]+", "-", fold(person.name)).strip("-") or person.uid
    return f"{ascii_name}.vcf", f"{person.name}.vcf"


def content_disposition(person: PersonInfo) -> str:
    """Return the attachment header, with the RFC 6266 filename* for the accented name."""
    ascii_name, utf8_name = download_filename(person)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name, safe='')}"


@bp.route("/people/<uid>.vcf")
def vcard(uid: str):
    """Download one person's contact card as vCard 4.0."""
    person = _found(uid)
    return Response(
        person_vcard(person, unit_path(person)),
        content_type="text/vcard; charset=utf-8",
        headers={"Content-Disposition": content_disposition(person)},
    )


@bp.route("/people/<uid>")
def person(uid: str):
    """Show one person's public details."""
    found = _found(uid)
    path = unit_path(found)
    crumbs = [(u, unit_url(u.code)) for u in path]
    return render_template(
        "person.html", p=found, path=path, crumbs=crumbs, tel=tel_uri(found.phone or ""),
        qr=qr_svg(person_vcard(found, path)),
    )  # fmt: skip
