from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

REQUIRED = _l("Dit veld is verplicht.")


class ContactSessionForm(FlaskForm):
    title = StringField(_l("Naam van de bijeenkomst"), validators=[DataRequired(REQUIRED), Length(max=120)],
                        description=_l("Bijvoorbeeld: Startbijeenkomst of Terugkomdag 2."))
    held_on = DateField(_l("Datum"), validators=[DataRequired(_l("Vul de datum in."))])
    hours = StringField(_l("Duur in uren"), validators=[DataRequired(REQUIRED), Length(max=6)],
                        description=_l("Bijvoorbeeld 3 of 2,5."))
    submit = SubmitField(_l("Bijeenkomst toevoegen"))


class ReviewForm(FlaskForm):
    feedback = TextAreaField(_l("Feedback voor de deelnemer"), validators=[Length(max=5000)],
                             description=_l("Wat gaat goed, en wat kan beter? De deelnemer ziet dit bij de oefening."))
    approve = SubmitField(_l("Goedkeuren"))
    return_ = SubmitField(_l("Teruggeven om te verbeteren"), name="return")
    comment = SubmitField(_l("Alleen feedback opslaan"))


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
