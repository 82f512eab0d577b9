from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from .services import password_problem

REQUIRED = _l("Dit veld is verplicht.")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))
    submit = SubmitField(_l("Inloggen"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Stuur mij een link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[DataRequired(REQUIRED)],
                             description=_l("Minstens 12 tekens."), render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Wachtwoord opslaan"))

    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
