"""The learner's intervention: the one approach they work on through the course (issue: the evaluation dossier).

Exercises that show it (`shows_intervention: true` in the exercise file) keep a snapshot of the description when
they are handed in, so a later change does not rewrite what was handed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..extensions import db
from ..timeutil import utcnow
from .models import Intervention

PHASES = {
    "plan": _l("In voorbereiding: er is een plan, de uitvoering moet nog beginnen"),
    "loopt": _l("Loopt: de uitvoering is bezig"),
    "loopt_af": _l("Loopt af: de uitvoering stopt binnenkort of is net gestopt"),
}
FIELDS = ("name", "goal", "target_group", "carried_out_by", "phase")
LIMITS = {"name": 200, "goal": 2000, "target_group": 2000, "carried_out_by": 2000}


def field_labels() -> dict[str, Any]:
    return {
        "name": _l("Naam van de interventie"),
        "goal": _l("Doel"),
        "target_group": _l("Doelgroep"),
        "carried_out_by": _l("Wie voert de interventie uit"),
        "phase": _l("Fase"),
    }


def intervention_for(enrollment: Enrollment) -> Intervention | None:
    return db.session.scalar(select(Intervention).where(Intervention.enrollment_id == enrollment.id))


def snapshot(intervention: Intervention | None) -> dict[str, str] | None:
    """The description as plain data (stored with a handed-in exercise and with a colleague's invitation)."""
    if intervention is None:
        return None
    return {name: getattr(intervention, name) for name in FIELDS}


def save_intervention(enrollment: Enrollment, data: Mapping[str, str]) -> Intervention:
    """Create or change the description. The form has checked the fields (required, lengths, a known phase)."""
    intervention = intervention_for(enrollment)
    if intervention is None:
        intervention = Intervention(enrollment_id=enrollment.id)
        db.session.add(intervention)
    for name in FIELDS:
        value = str(data.get(name) or "").replace("\r\n", "\n").strip()
        setattr(intervention, name, value[:LIMITS.get(name, 20)])
    intervention.updated_at = utcnow()
    db.session.flush()
    return intervention


def described_rows(description: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """(label, text) rows of a description, for pages and documents."""
    if not description:
        return []
    labels = field_labels()
    rows = []
    for name in FIELDS:
        value = str(description.get(name) or "")
        if name == "phase":
            value = str(PHASES.get(value, value))
        rows.append((str(labels[name]), value))
    return rows
