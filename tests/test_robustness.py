"""No input makes the app answer 5xx.

Every route is requested by a user who may use it, with hostile or malformed input: empty forms,
very long and odd Unicode text, wrong types, impossible dates, repeated fields, broken JSON and
strange query strings. Any 5xx fails the test.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ebw_training.core.permissions import access_of

from .factories import TEST_PASSWORD
from .test_permissions import _build, _rules, sample_values

LONG = "ä" * 5000
ODD = "\u202e<script>alert(1)</script>'; DROP TABLE user_account;--\x00😀 \u200b"
FIELD_NAMES = [
    "email", "password", "name", "municipality", "job_domain", "enrolment_code", "role", "funding_municipality",
    "funding_year", "funding_reference", "start_date", "end_date", "contact_hours", "trainers", "title", "held_on",
    "hours", "present", "locale", "next", "token", "q", "page", "jaar", "gemeente", "groep", "status", "format",
    "segments", "answers", "owner", "privacy", "remember", "file",
]
PAYLOADS = [
    {},
    {name: "" for name in FIELD_NAMES},
    {name: LONG for name in FIELD_NAMES},
    {name: ODD for name in FIELD_NAMES},
    {name: ["1", "abc", "-1", "99999999999999999999"] for name in FIELD_NAMES},
    {"funding_year": "1e400", "start_date": "2026-13-45", "end_date": "0000-00-00", "contact_hours": "NaN",
     "held_on": "31-02-2026", "hours": "inf", "present": ["x", "-5", "999999999"], "page": "-3"},
]
JSON_PAYLOADS = ["{", '{"segments": "x"}', '{"segments": [[0, 1e309], ["a", null]]}', "[]", '"x"',
                 '{"segments": [[5, 1]], "answers": {"x": {"y": 1}}}']
QUERIES = ["?page=-1", "?page=abc", "?page=99999999999999999999", f"?q={LONG[:2000]}", "?jaar=abc&gemeente=%00",
           "?groep=-5&status=onbekend&format=exe", "?next=//evil.example", "?code=%E2%80%AE"]

USERS_BY_ROLE = {"learner": "learner", "trainer": "trainer", "coordinator": "coordinator_national",
                 "admin": "admin"}


def _clients(app, world) -> dict:
    """One logged-in client per role, made before any hostile POST can deactivate an account."""
    clients = {"public": app.test_client()}
    for role, key in USERS_BY_ROLE.items():
        client = app.test_client()
        user = world["users"][key]
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        clients[role] = client
    return clients


def _client_for(clients, access):
    if "public" in access:
        return clients["public"]
    if "authenticated" in access:
        return clients["learner"]
    role = next((r for r in ("admin", "coordinator", "trainer", "learner") if r in access), "learner")
    return clients[role]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_route_answers_5xx_to_bad_input(app, world, method):
    values = sample_values(world)
    clients = _clients(app, world)
    problems = []
    for rule in _rules(app):
        if method not in rule.methods or rule.endpoint in ("accounts.logout",):
            continue
        access = access_of(app.view_functions[rule.endpoint])
        client = _client_for(clients, access)
        with app.test_request_context():
            url = _build(rule, values)
        if method == "GET":
            for query in QUERIES:
                status = client.get(url + query).status_code
                if status >= 500:
                    problems.append(f"GET {url}{query}: {status}")
            continue
        for payload in PAYLOADS:
            status = client.post(url, data=payload).status_code
            if status >= 500:
                problems.append(f"POST {url} {sorted(payload)[:3]}...: {status}")
        for body in JSON_PAYLOADS:
            status = client.post(url, data=body, content_type="application/json").status_code
            if status >= 500:
                problems.append(f"POST {url} json {body[:30]}: {status}")
    assert not problems, "\n".join(problems)


def test_bad_url_parameters_are_404_not_5xx(client, login):
    """Logged in as an enrolled learner, so the routes get past the login check and must answer "not found"."""
    from ebw_training.extensions import db

    from .factories import make_enrollment

    enrollment = make_enrollment()
    db.session.commit()
    login(enrollment.user)
    statuses = {}
    for path in ("/modules/%00", "/modules/" + "x" * 3000, "/verify/" + "%E2%80%AE" * 50, "/media/../wsgi.py",
                 "/media/%2e%2e/wsgi.py", "/wachtwoord-kiezen/" + "a" * 500, "/admin/gebruikers/99999999999999999999",
                 "/modules/onbekend/toets/poging/99999999999999999999"):
        statuses[path[:60]] = client.get(path).status_code
    assert set(statuses.values()) == {404}, statuses


class _FormReader(HTMLParser):
    """The fields of the forms on a page that post to `action`, each with a value a browser would send."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields, self.select = action, False, {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            target = a.get("action") or self.action
            self.inside = (a.get("method") or "get").lower() == "post" and target.split("?")[0] == self.action
        elif self.inside and tag in ("input", "textarea") and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.fields.setdefault(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.fields.setdefault(a["name"], a.get("value", "") or "Een gewone tekst")
        elif self.inside and tag == "select" and a.get("name"):
            self.select = a["name"]
        elif self.inside and tag == "option" and self.select and a.get("value"):
            self.fields.setdefault(self.select, a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


BAD_VALUES = ["", LONG, ODD, "NaN", "-1", "99999999999999999999", "2026-13-45", "1e400", "<b>x</b>"]


def forms_of(app, world, clients) -> list[tuple[str, object, dict]]:
    """(url, client, valid fields) of every form the route walk finds, each for a user who may post it."""
    values = sample_values(world)
    forms = []
    for rule in _rules(app):
        if "POST" not in rule.methods or "GET" not in rule.methods or rule.endpoint in ("accounts.logout",):
            continue
        client = _client_for(clients, access_of(app.view_functions[rule.endpoint]))
        with app.test_request_context():
            url = _build(rule, values)
        reader = _FormReader(url)
        reader.feed(client.get(url).get_data(as_text=True))
        baseline = {k: v for k, v in reader.fields.items() if k != "csrf_token"}
        if baseline:
            forms.append((url, client, baseline))
    return forms


def test_one_bad_field_at_a_time_in_every_form(app, world):
    """Each field of each form gets bad values while the other fields stay valid, so the service checks run."""
    clients = _clients(app, world)
    problems, forms_seen = [], 0
    for url, client, baseline in forms_of(app, world, clients):
        forms_seen += 1
        for name in baseline:
            for bad in BAD_VALUES:
                status = client.post(url, data={**baseline, name: bad}).status_code
                if status >= 500:
                    problems.append(f"POST {url} {name}={bad[:20]!r}: {status}")
    assert forms_seen >= 8
    assert not problems, "\n".join(problems)


def test_nul_characters_are_refused_before_the_database(client):
    assert client.post("/login", data={"email": "a\x00@b.nl", "password": "x"}).status_code == 400
    assert client.get("/admin/gemeenten/?q=%00").status_code in (302, 400)
    assert client.get("/verify/ABC?q=%00").status_code == 400
    assert client.get("/verify/ABC", query_string="q=a\x00b").status_code == 400  # raw, as a lax server passes it
    assert client.get("/verify/ABC?q=gewoon").status_code != 400
