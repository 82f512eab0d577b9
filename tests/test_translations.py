"""The English interface translation: the catalogue is complete, compiled and in step with the source code,
and switching to English really shows English pages."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g

from ebw_training.extensions import db

from .factories import make_enrollment, make_learner, make_user

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "ebw_training" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
# The same extraction as `make translations` (see the Makefile's `translations` target).
EXTRACT_ARGS = ["extract", "-F", "babel.cfg", "-k", "_l"]
FIX_HINT = (
    "Run `make translations`, translate the new strings in ebw_training/translations/en/LC_MESSAGES/messages.po "
    "(no fuzzy flags) and commit messages.pot, messages.po and messages.mo."
)

# printf-style placeholders: %(name)s, %s, %d, %.1f, and the escaped percent sign %%.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _read_po(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _messages(catalog):
    return [message for message in catalog if message.id]


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _placeholders(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (order free) and positional ones (order matters), %% counted with the positional."""
    named: Counter = Counter()
    positional: list[str] = []
    for match in PLACEHOLDER.finditer(text):
        if match.group("name") is not None:
            named[match.group(0)] += 1
        else:
            positional.append(match.group(0))
    return named, positional


@pytest.fixture(scope="module")
def catalog():
    return _read_po(PO)


# ---------------------------------------------------------------------------------------------------- the catalogue


def test_every_string_is_translated_and_none_is_fuzzy(catalog):
    messages = _messages(catalog)
    assert len(messages) > 400, "the English catalogue looks truncated"
    untranslated = [m.id for m in messages if not all(form.strip() for form in _forms(m.string) or ("",))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated strings, e.g. {untranslated[:5]}. {FIX_HINT}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy strings (gettext ignores them), e.g. {fuzzy[:5]}. {FIX_HINT}"
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy"


def test_plural_entries_have_both_english_forms(catalog):
    assert catalog.num_plurals == 2
    for message in _messages(catalog):
        if message.pluralizable:
            assert len(_forms(message.string)) == 2 and all(_forms(message.string)), message.id


def test_placeholders_in_the_translation_match_the_source(catalog):
    problems = []
    for message in _messages(catalog):
        ids = _forms(message.id)
        for index, translation in enumerate(_forms(message.string)):
            # English has two forms: msgstr[0] goes with msgid, msgstr[1] with msgid_plural.
            source = ids[min(index, len(ids) - 1)]
            if _placeholders(source) != _placeholders(translation):
                problems.append((source, translation))
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(
        f"  {source!r}\n    -> {translation!r}" for source, translation in problems
    )


def test_compiled_catalogue_is_up_to_date(catalog, tmp_path):
    fresh = tmp_path / "messages.mo"
    with fresh.open("wb") as handle:
        write_mo(handle, catalog)  # what `pybabel compile` does (fuzzy entries left out)
    with fresh.open("rb") as handle:
        expected = gettext.GNUTranslations(handle)._catalog
    with MO.open("rb") as handle:
        committed = gettext.GNUTranslations(handle)._catalog
    stale = sorted(str(key) for key in expected.keys() ^ committed.keys())
    changed = sorted(str(key) for key in expected.keys() & committed.keys() if expected[key] != committed[key])
    assert not stale and not changed, (
        f"messages.mo does not match messages.po ({len(stale)} strings missing or extra, {len(changed)} changed, "
        f"e.g. {(stale + changed)[:5]}). Run `.venv/bin/pybabel compile -d ebw_training/translations`."
    )


def _pybabel() -> list[str]:
    script = Path(sys.executable).with_name("pybabel")
    return [str(script)] if script.exists() else [sys.executable, "-m", "babel.messages.frontend"]


def test_catalogue_has_every_string_in_the_source_code(catalog, tmp_path):
    extracted_path = tmp_path / "messages.pot"
    result = subprocess.run(
        [*_pybabel(), *EXTRACT_ARGS, "-o", str(extracted_path), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr[-2000:]}"
    extracted = _messages(_read_po(extracted_path))
    assert len(extracted) > 400, "the extraction found suspiciously few strings; check babel.cfg"

    template = _read_po(POT)
    missing_in_po = [m.id for m in extracted if catalog.get(m.id) is None or catalog.get(m.id).id != m.id]
    missing_in_pot = [m.id for m in extracted if template.get(m.id) is None or template.get(m.id).id != m.id]
    assert not missing_in_po, (
        f"{len(missing_in_po)} strings in the code are not in the English catalogue, "
        f"e.g. {missing_in_po[:5]}. {FIX_HINT}"
    )
    assert not missing_in_pot, f"messages.pot is out of date, e.g. {missing_in_pot[:5]}. {FIX_HINT}"


# ---------------------------------------------------------------------------------------------------- the pages


def _fresh_babel_cache() -> None:
    # Tests hold one app context while the client makes requests, so requests share `g`, where Flask-Babel
    # caches the locale and translations of the first request. Drop that cache, as a new request does in production.
    g.pop("_flask_babel", None)


def _switch_to_english(client, next_url: str):
    _fresh_babel_cache()
    response = client.post("/taal", data={"locale": "en", "next": next_url})
    assert response.status_code == 302 and response.headers["Location"] == next_url


def _page(client, url: str) -> str:
    _fresh_babel_cache()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _assert_english(html: str, english: list[str], dutch: list[str]) -> None:
    assert '<html lang="en">' in html
    for text in english:
        assert text in html, f"expected English text {text!r} on the page"
    for text in dutch:
        assert text not in html, f"Dutch interface text {text!r} still on the English page"
    # The shared layout: header, skip link, footer and the way back to Dutch.
    for text in ("Skip to main content", "EBW Learning Environment", "Accessibility", "Nederlands"):
        assert text in html
    for text in ("Direct naar de inhoud", "Toegankelijkheid", ">English<"):
        assert text not in html


def test_login_page_in_english(client):
    assert '<html lang="nl">' in _page(client, "/login")
    _switch_to_english(client, "/login")
    html = _page(client, "/login")
    _assert_english(
        html,
        english=["Log in", "Email address", "Password", "Stay logged in on this device", "Forgotten your password?",
                 "No account yet?"],
        dutch=["Inloggen", "E-mailadres", "Wachtwoord", "Nog geen account?"],
    )


def test_learner_overview_in_english(client, login):
    enrollment = make_enrollment(make_learner())
    db.session.commit()
    login(enrollment.user)
    _switch_to_english(client, "/modules")
    html = _page(client, "/modules")
    _assert_english(
        html,
        english=["My training", "Your progress", "What do you still need to do?", "Study load:", "Log out",
                 "View and download my data"],
        dutch=["Mijn training", "Je voortgang", "Wat moet je nog doen?", "Studiebelasting:", "Uitloggen"],
    )


def test_admin_users_page_in_english(client, login):
    admin = make_user("admin")
    make_learner(name="Deelnemer Een")
    db.session.commit()
    login(admin)
    _switch_to_english(client, "/admin/gebruikers")
    html = _page(client, "/admin/gebruikers")
    _assert_english(
        html,
        english=["Users", "New user", "Search by name or email", "All roles", "Participant", "Administrator",
                 "Municipality", "active"],
        dutch=["Gebruikers", "Nieuwe gebruiker", "Zoek op naam of e-mail", "Alle rollen", "Beheerder", "Gemeente<"],
    )


def test_switching_back_to_dutch(client):
    _switch_to_english(client, "/login")
    _fresh_babel_cache()
    client.post("/taal", data={"locale": "nl", "next": "/login"})
    html = _page(client, "/login")
    assert '<html lang="nl">' in html and "Wachtwoord" in html and "English" in html
