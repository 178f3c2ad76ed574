"""The coverage dashboard, its printable report and the reminder list, for admins.

National admins see the nation; an agency admin sees the subtree of the first unit they
administer (or ?unit=, one of theirs). Figures are computed from the directory and reused for
COVERAGE_TTL seconds, so a dashboard reloaded by many admins costs one pass.
"""

from __future__ import annotations

import threading
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from directory_service.coverage.figures import CENTRAL, COMMUNAL, PROVINCIAL, compute
from directory_service.coverage.reminders import HEADER, reminder_rows
from directory_service.coverage.rounds import NOT_SUBMITTED, SCOPES, RoundBook, RoundError
from directory_service.directory.accounts import ActingAs, RefusedError
from directory_service.directory.settings import data_dir_from_env
from directory_service.directory.store import verified_now
from directory_service.exports.spreadsheets import to_csv

from .views import directory

bp = Blueprint("coverage", __name__)
COVERAGE_TTL = 120.0
_cache: dict = {}
_lock = threading.Lock()


def rounds_dir():
    """Return where rounds and links are kept: ROUNDS_DIR, else the instance's data directory."""
    configured = current_app.config.get("ROUNDS_DIR")
    return configured or data_dir_from_env(current_app.config.get("GOVDIR_DATA_DIR"))


def _rounds() -> RoundBook:
    return RoundBook(rounds_dir())


def _scope() -> str | None:
    """Return the subtree the signed-in person may see (None: the nation), or abort."""
    account = current_user.account
    wanted = request.args.get("unit")
    if account.national:
        return wanted or None
    if not account.admin_of:
        abort(403)
    if wanted is None:
        return account.admin_of[0]
    unit = directory().unit(wanted) or abort(404)
    if not set(account.admin_of) & set(unit.path):
        abort(403)
    return wanted


def _coverage(within: str | None):
    key = (id(directory()), within)
    with _lock:
        cached = _cache.get(key)
        if cached and time.monotonic() - cached[0] < COVERAGE_TTL:
            return cached[1]
    coverage = compute(directory(), within)
    chosen = _rounds().current()
    if chosen is not None:
        chosen.apply(coverage)
    with _lock:
        _cache[key] = (time.monotonic(), (coverage, chosen))
    return coverage, chosen


def forget() -> None:
    """Drop the cached figures (after a round is opened or a list confirmed)."""
    with _lock:
        _cache.clear()


def _context(within: str | None) -> dict:
    coverage, chosen = _coverage(within)
    days_left = chosen.days_left() if chosen is not None else None
    return {
        "coverage": coverage, "round": chosen, "days_left": days_left, "within": within,
        "central": coverage.level(CENTRAL), "provinces": coverage.level(PROVINCIAL),
        "communes": coverage.level(COMMUNAL),
        "missing": [f for f in coverage.units if f.status == NOT_SUBMITTED],
    }  # fmt: skip


@bp.route("/coverage")
@login_required
def dashboard():
    """Show the figures, the charts, the round's status and who has not submitted."""
    return render_template("coverage.html", **_context(_scope()))


@bp.route("/coverage/print")
@login_required
def printable():
    """Show the report for printing on A4."""
    return render_template("coverage_print.html", **_context(_scope()))


@bp.route("/coverage/reminders.csv")
@login_required
def reminders():
    """Download the units not yet submitted, with their mailbox and admins' addresses."""
    within = _scope()
    coverage, _ = _coverage(within)
    body = to_csv([HEADER, *reminder_rows(directory(), coverage)])
    response = make_response(body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=chua-gui.csv"
    return response


@bp.route("/coverage/rounds", methods=["POST"])
@login_required
def open_round():
    """Open a collection round (national admins only: rounds are the nation's bookkeeping)."""
    if not current_user.account.national:
        abort(403)
    scope = request.form.get("scope", "all")
    try:
        opened = _rounds().open(request.form.get("name", "").strip(),
                                request.form.get("deadline", "").strip(),
                                scope if scope in SCOPES else "all")  # fmt: skip
    except RoundError as e:
        flash(str(e))
        return redirect(url_for("coverage.dashboard")), 303
    forget()
    flash(_("Round %(name)s is open.", name=opened.name))
    return redirect(url_for("coverage.dashboard"))


@bp.route("/coverage/confirm", methods=["POST"])
@login_required
def confirm():
    """State that a unit's list is still right, in the open round (its admins only)."""
    unit = directory().unit(request.form.get("unit", "")) or abort(404)
    chosen = _rounds().current()
    if chosen is None:
        abort(409)
    try:
        # slapd decides: only the unit's admins (or those above it) may stamp it.
        ActingAs(directory(), current_user.account.dn).modify(unit.dn, verified_now())
    except RefusedError as e:
        flash(_("The directory refused the change: %(reason)s", reason=str(e)))
        return redirect(url_for("coverage.dashboard")), 303
    _rounds().confirm(chosen.name, unit.code, current_user.account.dn)
    directory().forget_units()
    forget()
    flash(_("%(unit)s: the list is confirmed unchanged.", unit=unit.name))
    return redirect(url_for("coverage.dashboard", unit=unit.code))
