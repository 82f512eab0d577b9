"""Where each role lands, and the navigation each role sees."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

START_ENDPOINTS = {
    "learner": "learning.overview",
    "trainer": "cohorts.index",
    "coordinator": "reporting.index",
    "admin": "admin.index",
}


def start_url_for(user) -> str:
    from flask import current_app

    endpoint = START_ENDPOINTS.get(user.role, "pages.index")
    if endpoint not in current_app.view_functions:
        endpoint = "pages.index"
    return url_for(endpoint)


def nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, url, label) for the main navigation of the current user."""
    from flask import current_app

    if not current_user.is_authenticated:
        return []
    by_role = {
        "learner": [("learning.overview", _l("Mijn training")), ("dossier.index", _l("Mijn evaluatiedossier"))],
        "trainer": [("cohorts.index", _l("Mijn groepen")), ("preview.index", _l("Cursus bekijken"))],
        "coordinator": [("reporting.index", _l("Rapportage")), ("reporting.exports", _l("Eerdere exports"))],
        "admin": [
            ("admin.index", _l("Beheer")),
            ("admin.users", _l("Gebruikers")),
            ("admin.cohorts", _l("Groepen")),
            ("preview.index", _l("Cursus bekijken")),
            ("municipalities.index", _l("Gemeenten")),
            ("admin.outbox", _l("Uitgaande mail")),
            ("admin.audit", _l("Logboek")),
        ],
    }
    items = []
    for endpoint, label in by_role.get(current_user.role, []):
        if endpoint in current_app.view_functions:
            items.append((endpoint, url_for(endpoint), str(label)))
    return items
