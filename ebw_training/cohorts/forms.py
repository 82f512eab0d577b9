from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, ValidationError

from ..accounts.forms import REQUIRED
from ..accounts.models import JOB_DOMAINS
from ..accounts.services import password_problem
from .services import find_cohort_by_code


class ContactSessionForm(FlaskForm):
    title = StringField(_l("Naam van de bijeenkomst"), validators=[DataRequired(REQUIRED), Length(max=120)],
                        description=_l("Bijvoorbeeld: Startbijeenkomst of Terugkomdag 2."))
    held_on = DateField(_l("Datum"), validators=[DataRequired(_l("Vul de datum in."))])
    hours = StringField(_l("Duur in uren"), validators=[DataRequired(REQUIRED), Length(max=6)],
                        description=_l("Bijvoorbeeld 3 of 2,5."))
    submit = SubmitField(_l("Bijeenkomst toevoegen"))


class RegisterForm(FlaskForm):
    enrolment_code = StringField(
        _l("Inschrijfcode"),
        validators=[DataRequired(REQUIRED), Length(max=20)],
        description=_l("Deze code krijg je van je trainer, bijvoorbeeld K7MP-2QXD."),
        render_kw={"autocomplete": "off"},
    )
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=120, message=_l("Een naam mag hoogstens 120 tekens hebben."))],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mailadres van je werk"),
                       validators=[DataRequired(REQUIRED), Email(_l("Vul een geldig e-mailadres in, zoals naam@gemeente.nl.")), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    municipality = SelectField(_l("Gemeente waar je werkt"), validators=[DataRequired(_l("Kies de gemeente waar je werkt."))],
                               validate_choice=False)
    job_domain = SelectField(
        _l("Werkveld"),
        choices=[("", _l("Kies je werkveld"))] + [(k, v) for k, v in JOB_DOMAINS.items()],
        validators=[DataRequired(_l("Kies je werkveld."))],
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(REQUIRED)],
        description=_l("Minstens 12 tekens. Een zin van een paar woorden is makkelijk te onthouden en sterk."),
        render_kw={"autocomplete": "new-password"},
    )
    privacy = BooleanField(_l("Ik heb de privacyverklaring gelezen."),
                           validators=[DataRequired(_l("Lees en bevestig de privacyverklaring."))])
    submit = SubmitField(_l("Account maken"))

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.email.data, self.name.data)
        if problem:
            raise ValidationError(problem)

    def validate_enrolment_code(self, field):
        if find_cohort_by_code(field.data or "") is None:
            raise ValidationError(
                _l("Deze inschrijfcode kennen we niet. Controleer de code of vraag je trainer om de juiste code.")
            )
