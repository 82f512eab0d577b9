from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..accounts.models import JOB_DOMAINS

REQUIRED = _l("Dit veld is verplicht.")
ROLE_CHOICES = [
    ("learner", _l("Deelnemer")),
    ("trainer", _l("Trainer")),
    ("coordinator", _l("Coördinator")),
    ("admin", _l("Beheerder")),
]


class UserCreateForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=120, message=_l("Een naam mag hoogstens 120 tekens hebben."))])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)])
    role = SelectField(_l("Rol"), choices=ROLE_CHOICES)
    municipality = SelectField(_l("Gemeente"), validate_choice=False,
                               description=_l("Verplicht voor deelnemers. Een coördinator zonder gemeente is landelijk."))
    job_domain = SelectField(_l("Werkveld"), choices=[("", "–")] + list(JOB_DOMAINS.items()), validate_choice=False)
    password = PasswordField(_l("Wachtwoord"), description=_l("Leeg laten: de gebruiker krijgt een uitnodiging per mail."))
    submit = SubmitField(_l("Gebruiker maken"))


class UserEditForm(FlaskForm):
    role = SelectField(_l("Rol"), choices=ROLE_CHOICES)
    municipality = SelectField(_l("Gemeente"), validate_choice=False,
                               description=_l("Een coördinator zonder gemeente is landelijk."))
    submit = SubmitField(_l("Opslaan"))


class CohortForm(FlaskForm):
    name = StringField(_l("Naam van de groep"), validators=[DataRequired(REQUIRED), Length(max=120, message=_l("Een naam mag hoogstens 120 tekens hebben."))])
    funding_municipality = SelectField(_l("Financierende gemeente (hoofdaanvrager)"), validate_choice=False,
                                       validators=[DataRequired(_l("Kies de gemeente die betaalt."))])
    funding_year = IntegerField(_l("Financieringsjaar"), validators=[DataRequired(_l("Vul een jaar in, zoals 2026.")), NumberRange(2015, 2100, _l("Vul een jaar in tussen 2015 en 2100."))])
    funding_reference = StringField(_l("Financieringskenmerk"), validators=[Optional(), Length(max=120)])
    start_date = DateField(_l("Startdatum"), validators=[Optional()])
    end_date = DateField(_l("Einddatum"), validators=[Optional()])
    contact_hours = StringField(_l("Contacturen"), validators=[Optional(), Length(max=10)], description=_l("Bijvoorbeeld 6 of 7,5."))
    trainers = SelectMultipleField(_l("Trainers"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Opslaan"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV-bestand"), validators=[FileRequired(_l("Kies een CSV-bestand."))],
                     description=_l("Kolommen: naam;email;gemeente_code;functie. Eerste regel: de kolomnamen."))
    submit = SubmitField(_l("Importeren"))


class EnrollForm(FlaskForm):
    email = EmailField(_l("E-mailadres van de deelnemer"), validators=[DataRequired(REQUIRED), Length(max=254)])
    submit = SubmitField(_l("Inschrijven"))
