"""Agency admins keep their own list in the web: add a person, change one, mark one as left.

Each form is checked exactly as the importer checks a row (importing.form), and written with
the signed-in person's proxied authorization: slapd decides whether they may, so an admin of
another agency is refused by the directory itself, as with ldapmodify.
"""

from __future__ import annotations

import dataclasses

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from directory_service.directory.accounts import ActingAs, RefusedError
from directory_service.directory.admins import admins, appoint, dismiss
from directory_service.directory.people import add_person, mark_left, tree_index, update_person
from directory_service.directory.unit_changes import add_unit, rename_unit, set_unit_mail
from directory_service.importing.form import check_person, check_unit, check_unit_mail
from directory_service.importing.plan import new_uid
from directory_service.model import STATUS_ACTIVE, Person

from .views import directory

bp = Blueprint("admin", __name__)
FIELDS = ("name", "title", "mail", "phone")


def _issues_by_field(issues) -> dict[str, list[str]]:
    """Return the rejections and flags of a form by field, in the page's language."""
    vietnamese = str(get_locale()) == "vi"
    found: dict[str, list[str]] = {}
    for issue in issues:
        field = issue.column if issue.column in FIELDS else "name"
        found.setdefault(field, []).append(issue.reason_vi if vietnamese else issue.reason_en)
    return found


def _checked(unit_code: str):
    """Return (the person the form describes or None, the form's values, issues by field)."""
    values = {f: request.form.get(f, "").strip() for f in FIELDS}
    record, issues = check_person(directory(), unit_code, **values)
    if record is None:
        return None, values, _issues_by_field(issues)
    person = Person(
        new_uid(), record.family, record.middle, record.given, record.unit_code, record.title,
        list(record.mail), record.phone, status=STATUS_ACTIVE,
    )  # fmt: skip
    return person, values, _issues_by_field(issues)


@bp.route("/units/<code>/people/new", methods=["GET", "POST"])
@login_required
def new_person(code: str):
    """Add a person to a unit."""
    unit = directory().unit(code) or abort(404)
    values, issues = dict.fromkeys(FIELDS, ""), {}
    if request.method == "POST":
        person, values, issues = _checked(code)
        if person is not None:
            try:
                add_person(ActingAs(directory(), current_user.account.dn),
                           tree_index(directory()), person)  # fmt: skip
            except RefusedError as e:
                flash(_("The directory refused the change: %(reason)s", reason=str(e)))
                return render_template("person_form.html", unit=unit, values=values,
                                       issues=issues, person=None), 403  # fmt: skip
            flash(_("Added."))
            return redirect(url_for("people.person", uid=person.uid))
    status = 422 if issues and request.method == "POST" else 200
    return render_template("person_form.html", unit=unit, values=values, issues=issues,
                           person=None), status  # fmt: skip


@bp.route("/people/<uid>/edit", methods=["GET", "POST"])
@login_required
def edit_person(uid: str):
    """Change a person's name, title, addresses or phone."""
    found = directory().person(uid) or abort(404)
    unit = directory().unit(found.unit_code) or abort(404)
    values = {"name": found.name, "title": found.title, "mail": ", ".join(found.mail),
              "phone": found.phone or ""}  # fmt: skip
    issues: dict[str, list[str]] = {}
    if request.method == "POST":
        person, values, issues = _checked(found.unit_code)
        if person is not None:
            person = Person(
                uid, person.family, person.middle, person.given, person.unit_code,
                person.title, person.mail, person.phone, status=found.status,
            )  # fmt: skip
            try:
                update_person(ActingAs(directory(), current_user.account.dn),
                              tree_index(directory()), found.dn, person)  # fmt: skip
            except RefusedError as e:
                flash(_("The directory refused the change: %(reason)s", reason=str(e)))
                return render_template("person_form.html", unit=unit, values=values,
                                       issues=issues, person=found), 403  # fmt: skip
            flash(_("Saved."))
            return redirect(url_for("people.person", uid=uid))
    status = 422 if issues and request.method == "POST" else 200
    return render_template("person_form.html", unit=unit, values=values, issues=issues,
                           person=found), status  # fmt: skip


@bp.route("/people/<uid>/left", methods=["POST"])
@login_required
def person_left(uid: str):
    """Mark a person as having left their unit (their entry stays, out of searches)."""
    found = directory().person(uid) or abort(404)
    try:
        mark_left(ActingAs(directory(), current_user.account.dn), found.dn)
    except RefusedError as e:
        flash(_("The directory refused the change: %(reason)s", reason=str(e)))
        return redirect(url_for("people.person", uid=uid)), 303
    flash(_("Marked as left."))
    return redirect(url_for("units.unit", code=found.unit_code))


@bp.route("/units/<code>/admins", methods=["GET", "POST"])
@login_required
def unit_admins(code: str):
    """List a unit's admins; appoint one by address, or dismiss one (slapd checks both)."""
    unit = directory().unit(code) or abort(404)
    if request.method == "POST":
        acting = ActingAs(directory(), current_user.account.dn)
        mail = request.form.get("email", "").strip()
        try:
            if request.form.get("action") == "dismiss":
                dismiss(acting, directory(), mail, code)
                flash(_("%(mail)s no longer administers this unit.", mail=mail))
            else:
                appoint(acting, directory(), mail, code)
                flash(_("%(mail)s now administers this unit.", mail=mail))
        except (RefusedError, LookupError) as e:
            flash(_("The directory refused the change: %(reason)s", reason=str(e)))
        return redirect(url_for("admin.unit_admins", code=code))
    return render_template("admins.html", unit=unit, admins=admins(directory(), code))


UNIT_FIELDS = ("name", "english_name", "mail")


def _unit_form(unit, parent, values, issues, status=200):
    return render_template("unit_form.html", unit=unit, parent=parent, values=values,
                           issues=issues), status  # fmt: skip


@bp.route("/units/<code>/units/new", methods=["GET", "POST"])
@login_required
def new_unit(code: str):
    """Add a unit (a Phòng, a Trung tâm ...) under a unit below the admin's own."""
    parent = directory().unit(code) or abort(404)
    values, issues = dict.fromkeys(UNIT_FIELDS, ""), {}
    if request.method == "POST":
        values = {f: request.form.get(f, "").strip() for f in UNIT_FIELDS}
        unit, found = check_unit(directory(), code, values["name"], values["english_name"])
        mail, mail_issues = check_unit_mail(values["mail"])
        issues = _issues_by_field([*found, *mail_issues])
        if unit is not None and not mail_issues:
            unit = dataclasses.replace(unit, mail=mail)
            try:
                add_unit(ActingAs(directory(), current_user.account.dn), directory(), unit)
            except RefusedError as e:
                flash(_("The directory refused the change: %(reason)s", reason=str(e)))
                return _unit_form(None, parent, values, issues, 403)
            flash(_("Added."))
            return redirect(url_for("units.unit", code=unit.code))
        return _unit_form(None, parent, values, issues, 422)
    return _unit_form(None, parent, values, issues)


@bp.route("/units/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_unit(code: str):
    """Rename a unit below the admin's own, or change a unit's mailbox (slapd checks which)."""
    unit = directory().unit(code) or abort(404)
    parent = directory().unit(unit.path[-2]) if len(unit.path) > 1 else None
    values = {"name": unit.name, "english_name": unit.english_name or "", "mail": unit.mail or ""}
    issues: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {f: request.form.get(f, "").strip() for f in UNIT_FIELDS}
        mail, mail_issues = check_unit_mail(values["mail"])
        renamed, found = None, []
        if parent is not None:
            renamed, found = check_unit(directory(), parent.code, values["name"],
                                        values["english_name"], code=code)  # fmt: skip
        issues = _issues_by_field([*found, *mail_issues])
        if issues:
            return _unit_form(unit, parent, values, issues, 422)
        acting = ActingAs(directory(), current_user.account.dn)
        try:
            if mail != unit.mail:
                set_unit_mail(acting, directory(), code, mail)
            if renamed is not None and (renamed.name, renamed.english_name) != (
                unit.name,
                unit.english_name,
            ):
                rename_unit(acting, directory(), code, renamed.name, renamed.english_name)
        except RefusedError as e:
            flash(_("The directory refused the change: %(reason)s", reason=str(e)))
            return _unit_form(unit, parent, values, issues, 403)
        flash(_("Saved."))
        return redirect(url_for("units.unit", code=code))
    return _unit_form(unit, parent, values, issues)
