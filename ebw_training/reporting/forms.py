"""The filter form of the report page (GET, so a filtered report is a link you can share or bookmark)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError

from ..cohorts.models import ENROLLMENT_STATUSES, status_label
from .scope import ReportFilter


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    jaar = SelectField(_l("Financieringsjaar"), validate_choice=False)
    gemeente = SelectField(_l("Gemeente"), validate_choice=False,
                           description=_l("Deelnemers uit deze gemeente en alle groepen die zij financiert."))
    groep = SelectField(_l("Groep"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False,
                         description=_l("Geldt voor de lijst en de export van deelnemers, niet voor de samenvatting."))

    def set_choices(self, years: list[int], municipalities, cohorts, national: bool) -> None:
        self.jaar.choices = [("", _("Alle jaren"))] + [(str(year), str(year)) for year in years]
        self.groep.choices = [("", _("Alle groepen"))] + [
            (str(c.id), f"{c.name} ({c.funding_year})") for c in cohorts
        ]
        self.status.choices = [("", _("Alle statussen"))] + [(s, status_label(s).capitalize()) for s in ENROLLMENT_STATUSES]
        if national:
            self.gemeente.choices = [("", _("Alle gemeenten"))] + [(m.code, f"{m.name} ({m.code})")
                                                                    for m in municipalities]
        else:
            del self.gemeente

    @staticmethod
    def _check(field, message: str) -> None:
        allowed = {value for value, _label in field.choices}
        if (field.data or "") not in allowed:
            raise ValidationError(message)

    def validate_jaar(self, field) -> None:
        self._check(field, _("Kies een financieringsjaar uit de lijst."))

    def validate_gemeente(self, field) -> None:
        self._check(field, _("Kies een gemeente uit de lijst."))

    def validate_groep(self, field) -> None:
        self._check(field, _("Kies een groep uit de lijst."))

    def validate_status(self, field) -> None:
        self._check(field, _("Kies een status uit de lijst."))

    def to_filter(self) -> ReportFilter:
        """The valid choices as a ReportFilter; a field with an error is left out (and shows its error)."""

        def value(name: str) -> str | None:
            field = getattr(self, name, None)
            if field is None or field.errors or not field.data:
                return None
            return field.data

        year, cohort = value("jaar"), value("groep")
        return ReportFilter(
            year=int(year) if year else None,
            municipality=value("gemeente"),
            cohort_id=int(cohort) if cohort else None,
            status=value("status"),
        )
