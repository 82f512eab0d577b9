"""Municipality look-up for admins (/admin/gemeenten)."""

from flask import Blueprint, render_template, request

from ..core.permissions import roles_required
from .services import search_municipalities

bp = Blueprint("municipalities", __name__)


@bp.get("/")
@roles_required("admin")
def index():
    query = request.args.get("q", "")[:80]
    rows = search_municipalities(query, limit=400)
    return render_template("municipalities/index.html", rows=rows, query=query)
