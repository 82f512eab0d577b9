"""Admin pages (/admin/...): users, cohorts, outbox, audit log."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import outbox as outbox_mail
from ..accounts import services as account_services
from ..accounts.models import MailMessage, User
from ..accounts.removal import open_requests
from ..cohorts import services as cohort_services
from ..cohorts.importing import import_learners, send_import_invitations
from ..cohorts.models import Cohort, Enrollment
from ..core.errors import ValidationError
from ..core.forms import show_error
from ..core.permissions import roles_required
from ..extensions import db
from ..interop import lrs
from ..learning.certificates import revoke_certificate
from ..municipalities.services import active_municipalities
from . import removal, services
from .forms import CohortForm, EnrollForm, ImportForm, UserCreateForm, UserEditForm

bp = Blueprint("admin", __name__)
PAGE_SIZE = 50


def _municipality_choices(empty_label: str):
    return [("", empty_label)] + [(m.code, f"{m.name} ({m.code})") for m in active_municipalities()]


def _wanted_state(name: str) -> bool:
    """The on/off state a switch form asks for ("1" or "0"); anything else is a bad request."""
    wanted = request.form.get(name)
    if wanted not in ("0", "1"):
        abort(400)
    return wanted == "1"


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)


@bp.get("/")
@roles_required("admin")
def index():
    counts, cohort_count, outbox_count = services.overview_counts()
    removal_count = len(open_requests())
    return render_template("admin/index.html", counts=counts, cohort_count=cohort_count, outbox_count=outbox_count,
                           removal_count=removal_count, xapi_pending=lrs.pending_count(),
                           xapi_last_sent=lrs.last_sent_at(), lrs_configured=lrs.configured())


@bp.get("/xapi.jsonl")
@roles_required("admin")
def xapi_export():
    """Every xAPI statement as JSON lines, streamed (the same as `ebw xapi export`)."""
    return Response(stream_with_context(lrs.export_lines()), mimetype="application/x-ndjson", headers={
        "Content-Disposition": 'attachment; filename="xapi-statements.jsonl"', "Cache-Control": "no-store"})


@bp.get("/verwijderverzoeken")
@roles_required("admin")
def removal_requests():
    return render_template("admin/removal_requests.html", requests=open_requests())


@bp.post("/verwijderverzoeken/<int:user_id>")
@roles_required("admin")
def removal_carry_out(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.removal_requested_at is None or user.anonymised_at is not None:
        flash(_("Voor dit account is geen open verzoek om te verwijderen."), "error")
    else:
        removal.carry_out_removal(user, actor=current_user)
        db.session.commit()
        flash(_("Het account is verwijderd. De aantallen in de rapportages blijven gelijk."), "success")
    return redirect(url_for("admin.removal_requests"))


@bp.get("/gebruikers")
@roles_required("admin")
def users():
    query = request.args.get("q", "").strip()[:100]
    role = request.args.get("rol", "")
    page = services.users_page(query, role, _page(), PAGE_SIZE)
    return render_template("admin/users.html", page=page, query=query, role=role)


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@roles_required("admin")
def user_new():
    form = UserCreateForm()
    form.municipality.choices = _municipality_choices(_("Geen gemeente"))
    if form.validate_on_submit():
        try:
            user = account_services.create_user(
                form.email.data, form.name.data, form.role.data,
                municipality_code=form.municipality.data or None,
                password=form.password.data or None,
                job_domain=form.job_domain.data or None,
                actor=current_user,
            )
            if not form.password.data:
                account_services.send_invitation(user)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error, "email")
        else:
            flash(_("Gebruiker %(email)s is gemaakt.", email=user.email), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=None)
    form.municipality.choices = _municipality_choices(_("Geen gemeente (landelijk)"))
    if request.method == "GET":
        form.role.data = user.role
        form.municipality.data = user.municipality_code or ""
    if form.validate_on_submit():
        try:
            account_services.change_role(user, form.role.data, municipality_code=form.municipality.data or None,
                                         actor=current_user)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error, "role")
        else:
            flash(_("De wijziging is opgeslagen."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    enrollments = services.enrollments_of_user(user)
    return render_template("admin/user_edit.html", user=user, form=form, enrollments=enrollments)


@bp.post("/gebruikers/<int:user_id>/actief")
@roles_required("admin")
def user_toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    wanted = _wanted_state("active")
    if user.id == current_user.id:
        flash(_("Je kunt je eigen account niet uitzetten."), "error")
    else:
        # The form says which state it wants, so a double click cannot switch the account back.
        if user.is_active_account != wanted:
            account_services.set_active(user, wanted, actor=current_user)
            db.session.commit()
        flash(_("Account aangezet.") if user.is_active_account else _("Account uitgezet."), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.get("/groepen")
@roles_required("admin")
def cohorts():
    rows = cohort_services.cohorts_for(current_user)
    counts = cohort_services.enrollment_counts([c.id for c in rows])
    return render_template("admin/cohorts.html", cohorts=rows, counts=counts)


def _trainer_choices():
    return [(t.id, f"{t.name} ({t.email})") for t in services.trainers()]


def _save_cohort(form: CohortForm, cohort: Cohort | None):
    if cohort is None:
        return cohort_services.create_cohort(
            form.name.data, form.funding_municipality.data, form.funding_year.data,
            reference=form.funding_reference.data, trainer_ids=form.trainers.data or [], start=form.start_date.data,
            end=form.end_date.data, contact_hours=form.contact_hours.data, actor=current_user)
    return cohort_services.update_cohort(
        cohort, name=form.name.data, funding_municipality_code=form.funding_municipality.data,
        year=form.funding_year.data, reference=form.funding_reference.data, start=form.start_date.data,
        end=form.end_date.data, contact_hours=form.contact_hours.data, trainer_ids=form.trainers.data or [],
        actor=current_user)


@bp.route("/groepen/nieuw", methods=["GET", "POST"], defaults={"cohort_id": None})
@bp.route("/groepen/<int:cohort_id>", methods=["GET", "POST"])
@roles_required("admin")
def cohort_edit(cohort_id: int | None):
    cohort = db.get_or_404(Cohort, cohort_id) if cohort_id else None
    form = CohortForm()
    form.funding_municipality.choices = _municipality_choices(_("Kies een gemeente"))
    form.trainers.choices = _trainer_choices()
    if request.method == "GET" and cohort is not None:
        form.name.data = cohort.name
        form.funding_municipality.data = cohort.funding_municipality_code
        form.funding_year.data = cohort.funding_year
        form.funding_reference.data = cohort.funding_reference
        form.start_date.data = cohort.start_date
        form.end_date.data = cohort.end_date
        form.contact_hours.data = f"{cohort.contact_hours:g}".replace(".", ",")
        form.trainers.data = [t.id for t in cohort.trainers]
    if form.validate_on_submit():
        try:
            saved = _save_cohort(form, cohort)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error, "name")
        else:
            flash(_("De groep is opgeslagen."), "success")
            return redirect(url_for("admin.cohort_edit", cohort_id=saved.id))
    enrollments = []
    if cohort is not None:
        enrollments = services.enrollments_of_cohort(cohort)
    return render_template("admin/cohort_edit.html", form=form, cohort=cohort, enrollments=enrollments,
                           enroll_form=EnrollForm(), import_form=ImportForm())


@bp.post("/groepen/<int:cohort_id>/nieuwe-code")
@roles_required("admin")
def cohort_new_code(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    code = cohort_services.regenerate_enrolment_code(cohort, actor=current_user)
    db.session.commit()
    flash(_("Nieuwe inschrijfcode: %(code)s. De oude code werkt niet meer.", code=code), "success")
    return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))


@bp.post("/groepen/<int:cohort_id>/archief")
@roles_required("admin")
def cohort_archive(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    # The form says which state it wants, so a double click cannot switch the cohort back.
    cohort_services.set_archived(cohort, _wanted_state("archived"), actor=current_user)
    db.session.commit()
    flash(_("De groep is gearchiveerd. De inschrijfcode werkt niet meer.") if cohort.archived
          else _("De groep is niet meer gearchiveerd. De inschrijfcode werkt weer."), "success")
    return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))


@bp.post("/gebruikers/<int:user_id>/certificaat/<int:certificate_id>/intrekken")
@roles_required("admin")
def certificate_revoke(user_id: int, certificate_id: int):
    certificate = services.certificate_of_user(user_id, certificate_id)
    if certificate is None:
        abort(404)
    revoke_certificate(certificate, actor=current_user)
    db.session.commit()
    flash(_("Certificaat %(code)s is ingetrokken. De controlepagina zegt nu dat het niet meer geldig is.",
            code=certificate.code), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@bp.post("/groepen/<int:cohort_id>/inschrijven")
@roles_required("admin")
def cohort_enroll(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = EnrollForm()
    if form.validate_on_submit():
        user = account_services.get_user_by_email(form.email.data)
        if user is None:
            flash(_("Er is geen account met %(email)s. Maak eerst de gebruiker, of importeer een CSV.",
                    email=form.email.data), "error")
        else:
            try:
                _enrollment, created = cohort_services.enroll(user, cohort, actor=current_user)
                db.session.commit()
                flash(_("%(name)s is ingeschreven.", name=user.name) if created
                      else _("%(name)s was al ingeschreven.", name=user.name), "success")
            except ValidationError as error:
                db.session.rollback()
                flash(str(error), "error")
    else:
        flash(_("Vul een e-mailadres in."), "error")
    return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))


@bp.post("/groepen/<int:cohort_id>/uitschrijven/<int:enrollment_id>")
@roles_required("admin")
def cohort_withdraw(cohort_id: int, enrollment_id: int):
    enrollment = db.get_or_404(Enrollment, enrollment_id)
    if enrollment.cohort_id != cohort_id:
        abort(404)
    cohort_services.withdraw(enrollment, actor=current_user)
    db.session.commit()
    flash(_("De deelnemer is uitgeschreven. De gegevens blijven bewaard."), "success")
    return redirect(url_for("admin.cohort_edit", cohort_id=cohort_id))


@bp.post("/groepen/<int:cohort_id>/importeren")
@roles_required("admin")
def cohort_import(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        result = import_learners(form.file.data.read(), cohort, actor=current_user)
        if not result.errors:
            db.session.commit()
            send_import_invitations(result, cohort)
            db.session.commit()
            flash(_("%(new)s nieuwe deelnemers uitgenodigd, %(old)s bestaande ingeschreven.",
                    new=result.created, old=result.enrolled_existing), "success")
            return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))
        errors = result.errors
    else:
        errors = [e for errs in form.errors.values() for e in errs]
    return render_template("admin/import_errors.html", cohort=cohort, errors=errors), 422


@bp.get("/mail")
@roles_required("admin")
def outbox():
    page = services.outbox_page(_page(), PAGE_SIZE)
    return render_template("admin/outbox.html", page=page)


@bp.get("/mail/<int:message_id>")
@roles_required("admin")
def outbox_message(message_id: int):
    message = db.get_or_404(MailMessage, message_id)
    return render_template("admin/outbox_message.html", message=message, body=outbox_mail.shown_body(message),
                           has_link=message.kind in outbox_mail.LINK_KINDS)


@bp.post("/mail/<int:message_id>/opnieuw")
@roles_required("admin")
def outbox_resend(message_id: int):
    message = db.get_or_404(MailMessage, message_id)
    if outbox_mail.resend(message, actor=current_user) is None:
        flash(_("Niet opnieuw verstuurd: het account van %(email)s bestaat niet meer of staat uit.",
                email=message.recipient), "error")
    else:
        flash(_("De mail is opnieuw verstuurd naar %(email)s.", email=message.recipient), "success")
    db.session.commit()
    return redirect(url_for("admin.outbox"))


@bp.get("/logboek")
@roles_required("admin")
def audit():
    action = request.args.get("actie", "").strip()[:60]
    page = services.audit_page(action, _page(), PAGE_SIZE)
    return render_template("admin/audit.html", page=page, action=action)
