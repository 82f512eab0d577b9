"""Reminders from the attention list or a matrix selection: write, preview, send (/trainer/groepen/<id>/herinneringen).

Sending needs a preview first: the send button is only on the preview page, which shows the mail of the first
selected learner and who will be skipped because they were reminded recently.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..cohorts import services
from ..cohorts.forms import ReminderForm, ReminderSettingsForm
from ..cohorts.views import load_cohort
from ..core.errors import ValidationError
from ..core.forms import show_error
from ..core.permissions import roles_required
from ..extensions import db
from . import reminders
from .matrix import last_reminders

bp = Blueprint("reminders", __name__)


def _page(cohort, form: ReminderForm, settings: ReminderSettingsForm, selected_ids: set[int], preview=None,
          status: int = 200, select_attention: bool = False):
    enrollments = [e for e in services.cohort_enrollments(cohort) if e.withdrawn_at is None]
    attention = {e.id: reason for e in enrollments if (reason := services.attention_reason(e, cohort))}
    if select_attention:
        selected_ids = selected_ids | set(attention)
    chosen = [e for e in enrollments if e.id in selected_ids]
    recent = reminders.recently_reminded(cohort, chosen)
    return render_template(
        "trainer/reminders.html", cohort=cohort, form=form, settings=settings, enrollments=enrollments,
        attention=attention, selected=selected_ids, chosen=chosen, recent=recent, preview=preview,
        reminded=last_reminders([e.id for e in enrollments]), placeholders=reminders.PLACEHOLDERS,
    ), status


def _settings_form(cohort) -> ReminderSettingsForm:
    return ReminderSettingsForm(formdata=None, inactivity_days=cohort.inactivity_days,
                                reminder_pause_days=cohort.reminder_pause_days)


def _ids(values) -> set[int]:
    return {int(v) for v in values if v.isdigit() and int(v) < 2**31}


@bp.route("/groepen/<int:cohort_id>/herinneringen", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def compose(cohort_id: int):
    cohort = load_cohort(cohort_id)
    form = ReminderForm()
    if request.method == "GET":
        form.template.data = reminders.template_of(cohort)
        selected = _ids(request.args.getlist("deelnemer"))
        return _page(cohort, form, _settings_form(cohort), selected,
                     select_attention=bool(request.args.get("aandacht")) or not selected)
    selected = _ids(request.form.getlist("deelnemer"))
    if not form.validate_on_submit():
        return _page(cohort, form, _settings_form(cohort), selected, status=400)
    chosen = reminders.selected_enrollments(cohort, selected)
    try:
        template = reminders.check_template(form.template.data)
        if not chosen:
            raise ValidationError(_("Kies minstens één deelnemer."), "template")
    except ValidationError as error:
        show_error(form, error, "template")
        return _page(cohort, form, _settings_form(cohort), selected, status=400)
    if form.send.data:
        outcome = reminders.send_reminders(cohort, chosen, template, actor=current_user)
        db.session.commit()
        if outcome.sent:
            flash(ngettext("%(num)s herinnering verstuurd.", "%(num)s herinneringen verstuurd.", len(outcome.sent)),
                  "success")
        if outcome.skipped:
            flash(_("Niet opnieuw verstuurd aan %(names)s: al herinnerd in de afgelopen %(n)s dagen.",
                    names=", ".join(e.user.name for e, _when in outcome.skipped), n=cohort.reminder_pause_days),
                  "warning")
        return redirect(url_for("reminders.compose", cohort_id=cohort.id, deelnemer=[e.id for e in chosen]))
    subject, body = reminders.render(cohort, chosen[0], template)
    return _page(cohort, form, _settings_form(cohort), selected,
                 preview={"subject": subject, "body": body, "learner": chosen[0]})


@bp.post("/groepen/<int:cohort_id>/herinneringen/instellingen")
@roles_required("trainer", "admin")
def settings(cohort_id: int):
    cohort = load_cohort(cohort_id)
    form = ReminderSettingsForm()
    if form.validate_on_submit():
        try:
            reminders.update_settings(cohort, form.inactivity_days.data, form.reminder_pause_days.data,
                                      actor=current_user)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error, "inactivity_days")
        else:
            flash(_("De instellingen zijn opgeslagen."), "success")
            return redirect(url_for("reminders.compose", cohort_id=cohort.id))
    compose_form = ReminderForm(formdata=None, template=reminders.template_of(cohort))
    return _page(cohort, compose_form, form, set(), status=400)
