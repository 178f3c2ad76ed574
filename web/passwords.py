"""Setting a password: the first time (an activation link), after forgetting it, and changing it.

Links are one-time and dated (directory.tokens): 72 hours to activate, 2 hours to reset. A
reset link goes by email through GOVDIR_SMTP_URL (``smtp://host:port``); without it, a national
admin gets one from ``govdir admins reset``. The form answers the same whether or not the address
is known. The password is set on the person's own behalf with proxied authorization, so slapd's
password policy checks it; every session of the person then ends.
"""

from __future__ import annotations

import os
import smtplib
import urllib.parse
from email.message import EmailMessage

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from directory_service.directory.accounts import ActingAs, RefusedError, account
from directory_service.directory.admins import person_by_mail
from directory_service.directory.tokens import (
    ACTIVATE,
    RESET,
    InvalidToken,
    make_token,
    read_token,
)

from .account import forget_account
from .views import directory

bp = Blueprint("passwords", __name__)


def _set_from_link(purpose: str, token: str):
    try:
        dn, stamp = read_token(current_app.config["SECRET_KEY"], purpose, token)
    except InvalidToken:
        return render_template("password.html", error=_("This link is not valid."), form=False), 400
    acct = account(directory(), dn)
    if acct is None or acct.version != stamp:
        return render_template(
            "password.html", error=_("This link has been used."), form=False
        ), 400
    if request.method == "POST":
        new = request.form.get("password", "")
        if new != request.form.get("confirm", ""):
            return render_template("password.html", error=_("The two passwords differ."),
                                   form=True), 422  # fmt: skip
        try:
            ActingAs(directory(), dn).set_own_password(new)
        except RefusedError as e:
            return render_template("password.html", error=str(e), form=True), 422
        forget_account(dn)
        flash(_("Your password is set. Sign in with it."))
        return redirect(url_for("account.login"))
    return render_template("password.html", error=None, form=True, name=acct.name)


@bp.route("/activate/<token>", methods=["GET", "POST"])
def activate(token: str):
    """Set a first password from an activation link."""
    return _set_from_link(ACTIVATE, token)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_with(token: str):
    """Set a new password from a reset link."""
    return _set_from_link(RESET, token)


@bp.route("/reset", methods=["GET", "POST"])
def reset():
    """Send a reset link to the address, if it is a person's and mail can be sent."""
    if request.method == "POST":
        mail = request.form.get("email", "").strip()
        try:
            dn, _attrs = person_by_mail(directory(), mail)
        except LookupError:
            dn = None
        acct = account(directory(), dn) if dn else None
        if acct is not None:
            token = make_token(current_app.config["SECRET_KEY"], RESET, dn, acct.version)
            send_link(acct.mail or mail, url_for("passwords.reset_with", token=token,
                                                 _external=True))  # fmt: skip
        flash(_("If the address is in the directory, a link to set a new password is on its way."))
        return redirect(url_for("account.login"))
    return render_template("reset.html")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change():
    """Change one's own password, knowing the current one."""
    if request.method == "POST":
        new = request.form.get("password", "")
        if new != request.form.get("confirm", ""):
            return render_template("password.html", error=_("The two passwords differ."),
                                   form=True, current=True), 422  # fmt: skip
        try:
            ActingAs(directory(), current_user.account.dn).set_own_password(
                new, request.form.get("current", "")
            )
        except RefusedError as e:
            return render_template("password.html", error=str(e), form=True, current=True), 422
        forget_account(current_user.account.dn)
        flash(_("Your password is set. Sign in with it."))
        return redirect(url_for("account.login"))
    return render_template("password.html", error=None, form=True, current=True)


def send_link(address: str, link: str) -> None:
    """Mail a password link through GOVDIR_SMTP_URL; without one, note that none was sent."""
    server = current_app.config.get("SMTP_URL") or os.environ.get("GOVDIR_SMTP_URL")
    if not server:
        current_app.logger.warning("no GOVDIR_SMTP_URL: no reset link was mailed")
        return
    url = urllib.parse.urlparse(server)
    message = EmailMessage()
    message["Subject"] = "Đặt lại mật khẩu / Reset your password"
    message["From"] = current_app.config.get("MAIL_FROM", "danhba@gov.vn")
    message["To"] = address
    message.set_content(
        "Mở liên kết sau trong 2 giờ để đặt mật khẩu mới / Open this link within 2 hours to set "
        f"a new password:\n\n{link}\n"
    )
    with smtplib.SMTP(url.hostname or "localhost", url.port or 25, timeout=10) as smtp:
        smtp.send_message(message)
