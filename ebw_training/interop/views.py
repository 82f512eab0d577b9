"""Open Badges endpoints (public, CONTRACT URLs) and the learner's baked badge download."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify
from flask_login import current_user

from ..accounts.permissions import public, roles_required
from ..learning import services as learning
from . import badges

bp = Blueprint("badges", __name__)


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
        "Content-Disposition": f'attachment; filename="badge-{certificate.code}.png"'})
