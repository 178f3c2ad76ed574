"""Two-step sign-in: a time-based one-time code (RFC 6238, pyotp) after the password.

Required of national admins, offered to everyone else. A person without a secret who must have
one (a national admin) sets one up right after their password, before they are signed in: the
page shows the secret and its QR code for an authenticator app, and the first code they type
proves it works. The secret is stored in their own entry, written on their behalf (slapd lets
only them, the web's reader and national admins near it).
"""

from __future__ import annotations

import time

import pyotp
import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from directory_service.directory.accounts import Account, ActingAs, account, totp_secret

from .views import directory

bp = Blueprint("twostep", __name__)
PENDING_SECONDS = 300  # between the password and the code
ISSUER = "Danh ba cong vu"


def needs_second_step(acct: Account) -> bool:
    """Return whether this person signs in with a code too."""
    return acct.national or bool(totp_secret(directory(), acct.dn))


def begin(acct: Account):
    """Remember a person whose password was right, and ask them for their code."""
    session.clear()
    session["pending"] = {"dn": acct.dn, "at": time.time()}
    return redirect(url_for("twostep.code"))


def _qr(uri: str) -> Markup:
    return Markup(segno.make(uri, error="m").svg_inline(omitsize=True, svgclass="qr-code"))


def _provisioning(acct: Account, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=acct.mail or acct.dn, issuer_name=ISSUER)


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """Ask for the one-time code (and set up a secret first where one is required)."""
    from .account import finish_sign_in

    pending = session.get("pending")
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        session.pop("pending", None)
        return redirect(url_for("account.login"))
    acct = account(directory(), pending["dn"])
    if acct is None:
        return redirect(url_for("account.login"))
    secret = totp_secret(directory(), acct.dn)
    setting_up = not secret
    if setting_up:
        secret = session.setdefault("new_secret", pyotp.random_base32())
    error = None
    if request.method == "POST":
        if pyotp.TOTP(secret).verify(request.form.get("code", "").strip(), valid_window=1):
            if setting_up:
                ActingAs(directory(), acct.dn).set_own_totp_secret(secret)
            return finish_sign_in(acct)
        error = _("That code is not right. Codes change every 30 seconds.")
    uri = _provisioning(acct, secret) if setting_up else None
    return render_template(
        "code.html", error=error, setting_up=setting_up, secret=secret if setting_up else None,
        qr=_qr(uri) if uri else None,
    ), (401 if error else 200)  # fmt: skip


@bp.route("/me/two-step", methods=["GET", "POST"])
@login_required
def turn_on():
    """Let a signed-in person turn two-step sign-in on."""
    acct = current_user.account
    secret = session.setdefault("new_secret", pyotp.random_base32())
    error = None
    if request.method == "POST":
        if pyotp.TOTP(secret).verify(request.form.get("code", "").strip(), valid_window=1):
            ActingAs(directory(), acct.dn).set_own_totp_secret(secret)
            session.pop("new_secret", None)
            flash(_("Two-step sign-in is on."))
            return redirect(url_for("account.me"))
        error = _("That code is not right. Codes change every 30 seconds.")
    return render_template(
        "code.html", error=error, setting_up=True, secret=secret,
        qr=_qr(_provisioning(acct, secret)),
    ), (401 if error else 200)  # fmt: skip
