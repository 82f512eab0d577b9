"""Open Badges 2.0, hosted verification: issuer profile, badge class, one assertion per certificate.

CONTRACT (DESIGN.md, issue 11): `/badges/issuer.json`, `/badges/ebw.json`, `/badges/assertions/<code>.json`.
The recipient is the holder's e-mail address as a salted SHA-256 hash (the salt is kept on the certificate, so the
hash never changes). A revoked certificate, or one whose holder's data was removed, answers 410 Gone with a revoked
assertion, as the specification asks of hosted assertions. The baked badge is the badge image with the assertion URL
in an iTXt chunk named `openbadges`.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from ..content import get_course
from ..core.urls import external_url
from ..learning.models import Certificate

CONTEXT = "https://w3id.org/openbadges/v2"
IMAGE_PATH = Path(__file__).resolve().parent.parent / "static" / "img" / "badge.png"


def _iso(value) -> str:
    return value.replace(microsecond=0).isoformat() + "Z"


def recipient_identity(email: str, salt: str) -> str:
    """`sha256$` + hex digest of the lower-cased address followed by the salt (Open Badges 2.0, IdentityObject)."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def issuer() -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": external_url("interop.issuer"),
        "name": "Rijksopleidingsinstituut tegengaan Radicalisering (ROR)",
        "url": current_app.config["EBW_BASE_URL"].rstrip("/") + "/",
        "email": current_app.config["EBW_BADGE_ISSUER_EMAIL"],
        "description": _("Het ROR geeft de training Evidence Based Werken bij de preventie van radicalisering."),
    }


def badge_class() -> dict[str, Any]:
    course = get_course()
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": external_url("interop.badge_class"),
        "name": course.title,
        "description": _("Deze badge krijgt wie alle modules van de online training %(title)s heeft afgerond.",
                         title=course.title),
        "image": external_url("static", filename="img/badge.png"),
        "criteria": {
            "id": external_url("pages.index"),
            "narrative": _("Alle modules van de training afgerond: pagina's gelezen, video's bekeken, toetsen "
                           "gehaald en oefeningen ingeleverd."),
        },
        "issuer": external_url("interop.issuer"),
        "tags": ["EBW", "ROR", "radicalisering", "preventie"],
    }


def assertion_url(code: str) -> str:
    return external_url("interop.assertion", code=code)


def is_withdrawn(certificate: Certificate) -> bool:
    user = certificate.enrollment.user
    return bool(certificate.revoked_at or certificate.holder_removed_at or user.anonymised_at)


def assertion(certificate: Certificate) -> dict[str, Any]:
    """The hosted assertion; for a withdrawn certificate the revoked form (answer it with 410 Gone)."""
    url = assertion_url(certificate.code)
    if is_withdrawn(certificate):
        reason = (_("Het certificaat is ingetrokken.") if certificate.revoked_at
                  else _("Het certificaat is uitgegeven, maar de gegevens van de houder zijn verwijderd."))
        return {"@context": CONTEXT, "type": "Assertion", "id": url, "revoked": True, "revocationReason": reason}
    user = certificate.enrollment.user
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": url,
        "recipient": {"type": "email", "hashed": True, "salt": certificate.badge_salt,
                      "identity": recipient_identity(user.email, certificate.badge_salt)},
        "badge": external_url("interop.badge_class"),
        "verification": {"type": "hosted"},
        "issuedOn": _iso(certificate.issued_at),
        "image": external_url("static", filename="img/badge.png"),
        "evidence": {"id": external_url("learning.verify", code=certificate.code),
                     "narrative": _("Certificaat %(code)s, te controleren op de controlepagina.",
                                    code=certificate.code)},
    }


def baked_png(certificate: Certificate) -> bytes:
    """The badge image with the assertion URL in an iTXt chunk `openbadges` (Open Badges Baking 2.0)."""
    info = PngInfo()
    info.add_itxt("openbadges", assertion_url(certificate.code), zip=False)
    out = io.BytesIO()
    with Image.open(IMAGE_PATH) as image:
        image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()
