"""Open Badges 2.0 hosted assertions: every required field of the specification, revocation, the baked PNG."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime

import pytest
from PIL import Image

from ebw_training.extensions import db
from ebw_training.timeutil import utcnow
from tests import factories

CONTEXT = "https://w3id.org/openbadges/v2"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
BASE = "http://localhost"


@pytest.fixture
def holder(app_ctx):
    enrollment = factories.make_enrollment(email="daan.de.vries@example.nl", name="Daan de Vries")
    factories.set_enrollment_progress(enrollment, started_at=datetime(2026, 9, 2), completed_at=datetime(2026, 10, 1),
                                      modules_completed=6, modules_total=6, certificate_code="EBW-ABCD-EFGH")
    db.session.commit()
    return enrollment


def _get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def _is_url(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def test_issuer_profile_has_every_required_field(client):
    issuer = _get_json(client, "/badges/issuer.json")
    assert issuer["@context"] == CONTEXT
    assert issuer["type"] == "Issuer"
    assert issuer["id"] == f"{BASE}/badges/issuer.json"
    assert issuer["name"]
    assert _is_url(issuer["url"])
    assert "@" in issuer["email"]


def test_badge_class_has_every_required_field(client):
    badge = _get_json(client, "/badges/ebw.json")
    assert badge["@context"] == CONTEXT
    assert badge["type"] == "BadgeClass"
    assert badge["id"] == f"{BASE}/badges/ebw.json"
    assert badge["name"] and badge["description"]
    assert badge["issuer"] == f"{BASE}/badges/issuer.json"
    assert badge["criteria"]["narrative"] and _is_url(badge["criteria"]["id"])
    with client.get(badge["image"].removeprefix(BASE)) as image:
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")


def test_assertion_has_every_required_field_and_a_salted_hash(client, holder):
    data = _get_json(client, "/badges/assertions/EBW-ABCD-EFGH.json")
    assert data["@context"] == CONTEXT
    assert data["type"] == "Assertion"
    assert data["id"] == f"{BASE}/badges/assertions/EBW-ABCD-EFGH.json"
    assert data["badge"] == f"{BASE}/badges/ebw.json"
    assert data["verification"] == {"type": "hosted"}
    assert ISO_UTC.match(data["issuedOn"]) and data["issuedOn"].startswith("2026-10-01")
    recipient = data["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    salt = recipient["salt"]
    assert len(salt) >= 16
    expected = "sha256$" + hashlib.sha256(("daan.de.vries@example.nl" + salt).encode()).hexdigest()
    assert recipient["identity"] == expected
    body = client.get("/badges/assertions/EBW-ABCD-EFGH.json").get_data(as_text=True)
    assert "daan" not in body.lower() and "Vries" not in body  # neither e-mail nor name in public
    # The hash is stable: the same salt on every request.
    assert _get_json(client, "/badges/assertions/EBW-ABCD-EFGH.json")["recipient"] == recipient


def test_two_certificates_get_different_salts(client, holder):
    other = factories.make_enrollment()
    factories.set_enrollment_progress(other, started_at=datetime(2026, 9, 2), completed_at=datetime(2026, 10, 1),
                                      certificate_code="EBW-ABCD-EFGJ")
    db.session.commit()
    first = _get_json(client, "/badges/assertions/EBW-ABCD-EFGH.json")["recipient"]["salt"]
    second = _get_json(client, "/badges/assertions/EBW-ABCD-EFGJ.json")["recipient"]["salt"]
    assert first != second


def test_revoked_certificate_answers_as_revoked(client, holder):
    holder.certificate.revoked_at = utcnow()
    db.session.commit()
    data = _get_json(client, "/badges/assertions/EBW-ABCD-EFGH.json", status=410)
    assert data["revoked"] is True and data["id"].endswith("/badges/assertions/EBW-ABCD-EFGH.json")
    assert data["revocationReason"]
    assert "recipient" not in data


def test_unknown_or_differently_written_code_is_404(client, holder):
    assert client.get("/badges/assertions/EBW-ZZZZ-ZZZZ.json").status_code == 404
    assert client.get("/badges/assertions/ebw-abcd-efgh.json").status_code == 404


def test_baked_png_carries_the_assertion_url(client, login, holder):
    login(holder.user)
    page = client.get("/certificaat").get_data(as_text=True)
    assert "/certificaat/EBW-ABCD-EFGH/badge.png" in page
    response = client.get("/certificaat/EBW-ABCD-EFGH/badge.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert b"iTXt" in response.data and b"openbadges" in response.data
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.text["openbadges"] == f"{BASE}/badges/assertions/EBW-ABCD-EFGH.json"
        assert image.size[0] >= 90


def test_baked_png_only_for_the_holder(client, login, holder):
    login(factories.make_learner())
    db.session.commit()
    assert client.get("/certificaat/EBW-ABCD-EFGH/badge.png").status_code == 404


def test_verify_page_links_to_the_assertion(client, holder):
    page = client.get("/verify/EBW-ABCD-EFGH").get_data(as_text=True)
    assert 'href="/badges/assertions/EBW-ABCD-EFGH.json"' in page
