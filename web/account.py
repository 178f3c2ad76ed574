"""Signing in and out, and a person's own page: their rights, phone and title.

A person signs in with their address and directory password (slapd checks it, and its password
policy locks an account after repeated failures). What they change is written on their behalf
with proxied authorization: slapd, not this application, decides what they may change.
Sessions end 8 hours after sign-in and after 30 minutes without a request.
"""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from directory_service.directory.accounts import (
    LOCKED,
    SIGNED_IN,
    Account,
    ActingAs,
    RefusedError,
    account,
    sign_in,
)
from directory_service.directory.audit import writes_by, writes_under
from directory_service.directory.store import first_value

from .twostep import begin, needs_second_step
from .views import directory

bp = Blueprint("account", __name__)
login_manager = LoginManager()
login_manager.login_view = "account.login"

SESSION_HOURS = 8
IDLE_MINUTES = 30


class User(UserMixin):
    """The signed-in person, as Flask-Login keeps them."""

    def __init__(self, acct: Account):
        self.account = acct

    def get_id(self) -> str:
        """Return the person's DN: what the session remembers."""
        return self.account.dn


# A signed-in person's account (name, rights, password stamp) is read again after this many
# seconds. What the page shows may lag that long behind a change of rights; what they may
# write never does, since slapd checks every write as them.
ACCOUNT_TTL = 30.0


@login_manager.user_loader
def load_user(dn: str) -> User | None:
    """Return the signed-in person, read from the directory at most every ACCOUNT_TTL s."""
    cache = current_app.extensions.setdefault("govdir_accounts", {})
    cached = cache.get(dn)
    if cached is None or time.monotonic() - cached[1] > ACCOUNT_TTL:
        cached = (account(directory(), dn), time.monotonic())
        cache[dn] = cached
    return User(cached[0]) if cached[0] else None


def forget_account(dn: str) -> None:
    """Read a person's account afresh at their next request (after they changed it)."""
    current_app.extensions.setdefault("govdir_accounts", {}).pop(dn, None)


@bp.before_app_request
def end_stale_sessions():
    """Sign out a session older than SESSION_HOURS, or idle for more than IDLE_MINUTES."""
    if "signed_in_at" not in session:
        return None
    now = time.time()
    too_old = now - session["signed_in_at"] > SESSION_HOURS * 3600
    idle = now - session.get("seen_at", now) > IDLE_MINUTES * 60
    # A password change (here or anywhere) ends every session of the person.
    changed = current_user.is_authenticated and current_user.account.password_stamp != session.get(
        "password_stamp", ""
    )
    if too_old or idle or changed:
        logout_user()
        session.clear()
        flash(_("Your session has ended. Please sign in again."))
        return redirect(url_for("account.login"))
    session["seen_at"] = now
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form, and sign a person in with their address and password."""
    error = None
    mail = request.form.get("email", "").strip()
    if request.method == "POST":
        result = sign_in(directory(), mail, request.form.get("password", ""))
        if result.outcome == SIGNED_IN and result.account:
            if needs_second_step(result.account):
                return begin(result.account)
            return finish_sign_in(result.account)
        if result.outcome == LOCKED:
            error = _(
                "This account is locked after too many wrong passwords. Try again in 15 minutes."
            )
        else:
            error = _("Wrong email or password.")
    status = 401 if error else 200
    return render_template("login.html", error=error, email=mail), status


def finish_sign_in(acct: Account):
    """Sign a person in (their password, and code where asked, were right)."""
    forget_account(acct.dn)
    session.clear()
    login_user(User(acct))
    session["signed_in_at"] = session["seen_at"] = time.time()
    session["password_stamp"] = acct.password_stamp
    current_app.logger.info("sign-in: %s", acct.dn)
    return redirect(url_for("account.me"))


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out."""
    logout_user()
    session.clear()
    return redirect(url_for("views.index"))


@bp.route("/me", methods=["GET", "POST"])
@login_required
def me():
    """Show the signed-in person's rights, and let them change their phone and title."""
    acct = current_user.account
    if request.method == "POST":
        try:
            ActingAs(directory(), acct.dn).change_own(
                phone=request.form.get("phone", ""), title=request.form.get("title", "")
            )
            flash(_("Saved."))
        except RefusedError as e:
            flash(_("The directory refused the change: %(reason)s", reason=str(e)))
        return redirect(url_for("account.me"))
    found, _truncated = directory().search(
        "(objectClass=govdirPerson)", ["title", "telephoneNumber"], base=acct.dn, scope=0
    )
    attrs = found[0][1] if found else {}
    units = [directory().unit(code) for code in acct.admin_of]
    return render_template(
        "me.html", account=acct, units=[u for u in units if u],
        title=first_value(attrs, "title"), phone=first_value(attrs, "telephoneNumber"),
    )  # fmt: skip


@bp.route("/units/<code>/changes")
@login_required
def unit_changes(code: str):
    """List the writes to a unit's subtree that the signed-in person may see, newest first."""
    unit = directory().unit(code)
    if unit is None:
        abort(404)
    acting = ActingAs(directory(), current_user.account.dn)
    return render_template("changes.html", unit=unit, writes=writes_under(acting, unit.dn))


@bp.route("/me/changes")
@login_required
def my_changes():
    """List the writes the signed-in person made, newest first."""
    acct = current_user.account
    writes = writes_by(ActingAs(directory(), acct.dn), acct.dn)
    return render_template("changes.html", unit=None, writes=writes)


@bp.route("/people/<uid>/changes")
@login_required
def person_changes(uid: str):
    """List the writes a person (an admin, typically) made that the signed-in person may see."""
    found = directory().person(uid) or abort(404)
    writes = writes_by(ActingAs(directory(), current_user.account.dn), found.dn)
    return render_template("changes.html", unit=None, person=found, writes=writes)
