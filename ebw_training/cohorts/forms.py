from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, ValidationError

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


class ReminderForm(FlaskForm):
    template = TextAreaField(
        _l("Tekst van de herinnering"), validators=[DataRequired(_l("Schrijf de tekst van de herinnering."))],
        description=_l("Op de plekken {voornaam}, {nog_te_doen} en {einddatum} zet het systeem per deelnemer de "
                       "voornaam, wat nog openstaat en de einddatum van de groep."),
    )
    preview = SubmitField(_l("Voorbeeld bekijken"))
    send = SubmitField(_l("Versturen"))


class ReminderSettingsForm(FlaskForm):
    inactivity_days = IntegerField(
        _l("Aandacht nodig na zoveel dagen zonder activiteit"),
        validators=[InputRequired(_l("Vul een aantal dagen in.")),
                    NumberRange(1, 365, _l("Kies een aantal dagen tussen 1 en 365."))],
    )
    reminder_pause_days = IntegerField(
        _l("Geen nieuwe herinnering binnen zoveel dagen"),
        validators=[InputRequired(_l("Vul een aantal dagen in.")),
                    NumberRange(0, 90, _l("Kies een aantal dagen tussen 0 en 90."))],
        description=_l("Een deelnemer die in deze periode al een herinnering kreeg, krijgt er niet nog een."),
    )
    save = SubmitField(_l("Instellingen opslaan"))
