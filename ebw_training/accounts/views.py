"""Login, logout, password reset. (Registration with an enrolment code lives with enrolment: cohorts.)"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import ValidationError
from ..core.permissions import login_required, public
from ..core.urls import is_safe_next
from ..extensions import db
from . import confirmation, services, sessions
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
        if services.is_throttled(email, request.remote_addr):
            form.email.errors.append(
                _("Te veel mislukte pogingen. Wacht een kwartier of kies 'Wachtwoord vergeten'.")
            )
            status = 429
        else:
            user = services.authenticate(email, form.password.data, request.remote_addr)
            db.session.commit()  # the attempt counts for throttling whatever happens next
            if user is not None and not user.email_confirmed:
                confirmation.send_confirmation_again(user)
                db.session.commit()
                form.email.errors.append(_("Je e-mailadres is nog niet bevestigd. We hebben je een nieuwe link "
                                           "gestuurd. Klik op de link in die mail om je inschrijving af te ronden."))
            elif user is not None:
                sessions.log_in(user, remember=form.remember.data)
                db.session.commit()
                return redirect(_after_login_target())
            else:
                form.password.errors.append(
                    _("Dit e-mailadres en wachtwoord horen niet bij elkaar. Probeer het opnieuw."))
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
    sessions.log_out()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/account/sessies")
@login_required
def my_sessions():
    return render_template("accounts/sessions.html", rows=sessions.active_sessions(current_user),
                           current=sessions.current_session())


@bp.post("/account/sessies/<int:session_id>/beeindigen")
@login_required
def end_session(session_id: int):
    row = sessions.get_user_session(current_user, session_id)
    if row is None:
        abort(404)
    current = sessions.current_session()
    if current is not None and row.id == current.id:
        return redirect(url_for("accounts.logout"))
    sessions.end_session(row)
    db.session.commit()
    flash(_("Je bent uitgelogd op dat apparaat."), "success")
    return redirect(url_for("accounts.my_sessions"))


@bp.post("/account/sessies/andere-beeindigen")
@login_required
def end_other_sessions():
    ended = sessions.end_other_sessions(current_user, sessions.current_session())
    db.session.commit()
    flash(_("Je bent uitgelogd op %(n)s andere apparaten.", n=ended), "success")
    return redirect(url_for("accounts.my_sessions"))


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
            sessions.log_out()
            flash(_("Je wachtwoord is opgeslagen. Log in met je nieuwe wachtwoord."), "success")
            return redirect(url_for("accounts.login", email=user.email))
    return render_template("accounts/reset.html", form=form, invite=row.purpose == "invite")
