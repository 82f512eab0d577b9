from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

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
