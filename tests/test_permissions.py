"""Every route, requested by every role.

The test walks the whole URL map. Who may use a route is stated here, independently of the decorators: an
explicit table of public routes, and otherwise the start of the URL (/admin/ is for admins, /trainer/ for
trainers and admins, ...). A route marked @public by mistake, or with the wrong roles, so fails the walk. Each
view must also declare its access with a decorator from ebw_training.core.permissions; an endpoint without a
declaration, outside the table, or with a URL parameter this test has no sample value for, fails the test. So a
new route cannot be forgotten.
"""

from __future__ import annotations

import pytest
from flask import url_for

from ebw_training.core.permissions import access_of

ROLES = ["anonymous", "learner", "trainer", "coordinator_national", "coordinator_municipal", "admin"]
ROLE_OF = {
    "learner": "learner",
    "trainer": "trainer",
    "coordinator_national": "coordinator",
    "coordinator_municipal": "coordinator",
    "admin": "admin",
}

# The routes anyone may use, logged in or not.
PUBLIC_ROUTES = {
    "/", "/healthz", "/login", "/logout", "/privacy", "/register", "/taal", "/toegankelijkheid", "/verify/<code>",
    "/wachtwoord-kiezen/<token>", "/wachtwoord-vergeten", "/registratie-bevestigen/<token>",
    # Open Badges (CONTRACT URLs): verifiers fetch them without logging in.
    "/badges/issuer.json", "/badges/ebw.json", "/badges/assertions/<code>.json",
    # The colleague who assesses a learner's plan has no account: the single-use link is the key
    # (dossier/services.py); the withdrawal link lets them delete their answers.
    "/collega/<token>", "/collega/<token>/intrekken",
}
AUTHENTICATED = "authenticated"
# Every other route: who may use it, by the start of its URL (the first match counts).
ACCESS_BY_PREFIX: list[tuple[str, frozenset[str] | str]] = [
    ("/admin/", frozenset({"admin"})),
    ("/trainer/", frozenset({"trainer", "admin"})),
    ("/coordinator/", frozenset({"coordinator", "admin"})),
    ("/modules", frozenset({"learner"})),
    ("/certificaat", frozenset({"learner"})),
    ("/mijn-gegevens", frozenset({"learner"})),
    ("/mijn-interventie", frozenset({"learner"})),
    ("/mijn-dossier", frozenset({"learner"})),
    ("/media/", AUTHENTICATED),
    ("/account/", AUTHENTICATED),
]


def expected_access(rule) -> frozenset[str] | str:
    """"public", "authenticated" or the roles that may use the route, from the tables above."""
    if rule.rule in PUBLIC_ROUTES:
        return "public"
    for prefix, access in ACCESS_BY_PREFIX:
        if rule.rule.startswith(prefix):
            return access
    raise AssertionError(f"{rule.rule} ({rule.endpoint}): add it to PUBLIC_ROUTES or ACCESS_BY_PREFIX")


# Endpoints whose object-level check refuses some users the role alone would let in:
# {endpoint: {user key: allowed statuses}}. A trainer of another cohort, a coordinator of
# another municipality and so on are covered in the domain tests; the walk checks the role.
OBJECT_SCOPED: dict[str, dict[str, tuple[int, ...]]] = {
    # Learner pages: the walk's learner has no quiz attempt 1 and no certificate; another learner's objects are
    # refused the same way (tests/learning/test_views.py). Their handed-in exercise gives its result documents.
    "learning.quiz_result": {"learner": (404,)},
    # The walk's attempt 1 does not belong to the walk's enrolment: the trainer's attempt page refuses it.
    "attempts.show": {"trainer": (404,), "admin": (404,)},
    "learning.certificate_pdf": {"learner": (404,)},
    "interop.baked": {"learner": (404,)},
}

# Sample values for URL parameters, filled from the world fixture by name.
def sample_values(world) -> dict[str, object]:
    course = world["course"]
    first = course.modules[0] if course.modules else None
    return {
        "cohort_id": world["cohort"].id,
        "user_id": world["learner"].id,
        "enrollment_id": world["enrollment"].id,
        "message_id": world["message"].id,
        "session_id": world["session"].id,
        "answer_id": world["answer"].id,
        "certificate_id": 1,
        "token": "not-a-valid-token",
        "slug": first.slug if first else "wat-is-ebw",
        "page": 1,
        "number": 1,
        "code": "ONBEKEND-0000",
        "filename": "css/app.css",
        "export_id": 1,
        "attempt_id": 1,
        "municipality_code": "GM0363",
        "year": 2026,
        "name": "intro-ebw",
    }


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


def test_every_endpoint_declares_access(app):
    missing = [r.endpoint for r in _rules(app) if access_of(app.view_functions[r.endpoint]) is None]
    assert not missing, f"Endpoints without an access declaration (use @public/@login_required/@roles_required): {missing}"


def _build(rule, values):
    unknown = [arg for arg in rule.arguments if arg not in values and arg not in (rule.defaults or {})]
    assert not unknown, f"{rule.endpoint}: add sample values for {unknown} in tests/test_permissions.py"
    args = {a: values[a] for a in rule.arguments if a not in (rule.defaults or {})}
    return url_for(rule.endpoint, **args)


def _expected_allowed(expected: frozenset[str] | str, role_key: str) -> bool:
    if expected == "public":
        return True
    if role_key == "anonymous":
        return False
    if expected == AUTHENTICATED:
        return True
    return ROLE_OF[role_key] in expected


def test_every_route_is_in_the_access_tables_and_its_decorator_agrees(app):
    """The decorator on each view says the same as the tables: a route made public by mistake fails here too."""
    wrong = []
    for rule in _rules(app):
        expected = expected_access(rule)
        declared = access_of(app.view_functions[rule.endpoint]) or ()
        if expected == "public":
            agrees = declared == ("public",)
        elif expected == AUTHENTICATED:
            agrees = declared == ("authenticated",)
        else:
            agrees = set(declared) == set(expected)
        if not agrees:
            wrong.append(f"{rule.rule}: declared {declared}, expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role_key", ROLES)
def test_every_route_for_every_role(app, world, role_key):
    client = app.test_client()
    if role_key != "anonymous":
        user = world["users"][role_key]
        response = client.post("/login", data={"email": user.email, "password": "Test-wachtwoord-voor-tests"})
        assert response.status_code == 302
    values = sample_values(world)
    problems = []
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in ("accounts.logout", "pages.set_language"):
            continue  # would end the session mid-walk; covered in tests/test_accounts.py
        with app.test_request_context():
            url = _build(rule, values)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method, data={})
        checked += 1
        status = response.status_code
        allowed = _expected_allowed(expected_access(rule), role_key)
        override = OBJECT_SCOPED.get(rule.endpoint, {}).get(role_key)
        if status >= 500:
            problems.append(f"{method} {url} as {role_key}: {status}")
        elif override is not None:
            if status not in override:
                problems.append(f"{method} {url} as {role_key}: {status}, expected one of {override}")
        elif not allowed:
            if role_key == "anonymous":
                location = response.headers.get("Location", "")
                if not (status == 302 and "/login" in location):
                    problems.append(f"{method} {url} as anonymous: {status} {location}, expected redirect to login")
            elif status != 403:
                problems.append(f"{method} {url} as {role_key}: {status}, expected 403")
        else:
            if status in (401, 403) or (status == 302 and "/login?" in response.headers.get("Location", "")):
                problems.append(f"{method} {url} as {role_key}: {status}, expected access")
    assert checked > 10
    assert not problems, "\n".join(problems)
