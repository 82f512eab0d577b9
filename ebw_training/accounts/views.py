"""Login, logout, password reset. (Registration with an enrolment code lives with enrolment: cohorts.)"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.errors import ValidationError
from ..core.permissions import public
from ..core.urls import is_safe_next
from ..extensions import db
from . import services
from .forms import ForgotPasswordForm, LoginForm, ResetPasswordForm
from .start import start_url_for

bp = Blueprint("accounts", __name__)


def _after_login_target() -> str:
    target = request.args.get("next") or request.form.get("next")
    return target if is_safe_next(target) else start_url_for(current_user)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(_after_login_target())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data
        if services.is_throttled(email):
            form.email.errors.append(
                _("Te veel mislukte pogingen. Wacht een kwartier of kies 'Wachtwoord vergeten'.")
            )
            status = 429
        else:
            user = services.authenticate(email, form.password.data, request.remote_addr)
            db.session.commit()
            if user is not None:
                login_user(user, remember=form.remember.data)
                return redirect(_after_login_target())
            form.password.errors.append(_("Dit e-mailadres en wachtwoord horen niet bij elkaar. Probeer het opnieuw."))
            status = 200
    elif request.method == "POST":
        status = 200
    return render_template("accounts/login.html", form=form, next=request.args.get("next", "")), status


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout():
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("pages.index"))
        return render_template("accounts/logout.html")
    logout_user()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/wachtwoord-kiezen/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    if len(token) > 100:
        abort(404)
    row = services.find_valid_token(token)
    if row is None:
        return render_template("accounts/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.complete_password_reset(token, form.password.data)
            db.session.commit()
        except ValidationError as error:
            form.password.errors = list(form.password.errors) + [str(error)]
        else:
            logout_user()
            flash(_("Je wachtwoord is opgeslagen. Log in met je nieuwe wachtwoord."), "success")
            return redirect(url_for("accounts.login", email=user.email))
    return render_template("accounts/reset.html", form=form, invite=row.purpose == "invite")
