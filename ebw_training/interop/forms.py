from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class RemovalRequestForm(FlaskForm):
    confirm = BooleanField(
        _l("Ik begrijp dat mijn naam, e-mailadres, wachtwoord en antwoorden op de oefeningen worden verwijderd, "
           "en dat ik daarna niet meer kan inloggen."),
        validators=[DataRequired(_l("Vink dit aan als je je account wilt laten verwijderen."))],
    )
