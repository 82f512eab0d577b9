"""Open Badges endpoints (public, CONTRACT URLs), the learner's baked badge, own data ZIP and removal request."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import removal
from ..content import get_course
from ..core.errors import ValidationError
from ..core.permissions import public, roles_required
from ..extensions import db
from ..learning import certificates as learning
from ..learning import events
from ..learning.helpers import learner_view
from . import badges
from .forms import RemovalRequestForm
from .own_data import own_data_zip

bp = Blueprint("interop", __name__)


def _json(body: dict, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"  # public documents that badge verifiers fetch
    return response


@bp.get("/badges/issuer.json")
@public
def issuer():
    return _json(badges.issuer())


@bp.get("/badges/ebw.json")
@public
def badge_class():
    return _json(badges.badge_class())


@bp.get("/badges/assertions/<code>.json")
@public
def assertion(code: str):
    certificate = learning.find_certificate(code)
    if certificate is None or certificate.code != code:
        abort(404)
    return _json(badges.assertion(certificate), 410 if badges.is_withdrawn(certificate) else 200)


@bp.get("/certificaat/<code>/badge.png")
@roles_required("learner")
def baked(code: str):
    """The learner's own badge, baked: import it into a badge backpack."""
    certificate = next((c for c in learning.certificates_of(current_user) if c.code == code), None)
    if certificate is None or badges.is_withdrawn(certificate):
        abort(404)
    return Response(badges.baked_png(certificate), mimetype="image/png", headers={
        "Content-Disposition": f'attachment; filename="badge-{certificate.code}.png"', "Cache-Control": "no-store"})


@bp.get("/mijn-gegevens.zip")
@roles_required("learner")
def my_data_zip():
    return Response(own_data_zip(current_user), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="mijn-gegevens-{current_user.pseudonym}.zip"',
        "Cache-Control": "no-store"})


@bp.route("/mijn-gegevens/verwijderen", methods=["GET", "POST"])
@roles_required("learner")
def request_removal():
    """Ask for the account to be removed (an admin carries it out), or withdraw that request."""
    form = RemovalRequestForm()
    if request.method == "POST" and request.form.get("withdraw") == "1":
        removal.withdraw_removal_request(current_user)
        db.session.commit()
        flash(_("Je verzoek om je account te verwijderen is ingetrokken."), "success")
        return redirect(url_for("interop.request_removal"))
    if form.validate_on_submit():
        removal.request_removal(current_user)
        db.session.commit()
        flash(_("Je verzoek is ontvangen. Een beheerder verwijdert je account binnen een maand."), "success")
        return redirect(url_for("interop.request_removal"))
    status = 400 if form.errors else 200
    return render_template("interop/removal_request.html", form=form), status


@bp.post("/modules/<slug>/video/xapi")
@roles_required("learner")
@learner_view
def video_xapi(enrollment, slug: str):
    """A player event from static/js/video-xapi.js, recorded as an xAPI Video Profile statement."""
    module = get_course().module(slug)
    if module is None or module.video is None or module.video.external_url:
        abort(404)
    try:
        sent = events.record_video_event(enrollment, module, request.get_json(silent=True))
    except ValidationError:
        return jsonify(ok=False, message=_("Deze gebeurtenis van de video is niet goed doorgegeven.")), 400
    db.session.commit()
    return jsonify(ok=True, sent=sent)
