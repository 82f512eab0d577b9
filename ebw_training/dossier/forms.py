from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from ..learning.intervention import LIMITS, PHASES

REQUIRED = _l("Dit veld is verplicht.")
NO_PERSONS = _l("Schrijf over de aanpak, nooit over personen die mogelijk radicaliseren.")


class InterventionForm(FlaskForm):
    next = HiddenField()
    name = StringField(_l("Naam van de interventie"), validators=[DataRequired(REQUIRED), Length(max=LIMITS["name"])],
                       description=_l("Bijvoorbeeld: Training weerbaar opvoeden, of Netwerk sleutelfiguren."))
    goal = TextAreaField(_l("Doel"), validators=[DataRequired(REQUIRED), Length(max=LIMITS["goal"])],
                         description=_l("Wat wil de interventie bereiken? Eén of twee zinnen."))
    target_group = TextAreaField(_l("Doelgroep"), validators=[DataRequired(REQUIRED),
                                                              Length(max=LIMITS["target_group"])],
                                 description=_l("Voor wie is de interventie? Beschrijf de groep in algemene woorden, "
                                                "bijvoorbeeld naar leeftijd, rol of wijk."))
    carried_out_by = TextAreaField(_l("Wie voert de interventie uit"),
                                   validators=[DataRequired(REQUIRED), Length(max=LIMITS["carried_out_by"])],
                                   description=_l("Noem rollen of organisaties, geen namen."))
    phase = RadioField(_l("Fase"), choices=list(PHASES.items()),
                       validators=[DataRequired(_l("Kies de fase van de interventie."))])
    submit = SubmitField(_l("Beschrijving opslaan"))


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mailadres van je collega"),
                       validators=[DataRequired(REQUIRED), Email(_l("Vul een geldig e-mailadres in, zoals "
                                                                    "naam@gemeente.nl.")), Length(max=254)],
                       description=_l("We sturen je collega één keer een e-mail met een link. Het e-mailadres "
                                      "bewaren we alleen bij die e-mail."))
    submit = SubmitField(_l("Uitnodiging versturen"))
