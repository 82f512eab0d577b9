"""Every route, requested by every role.

The test walks the whole URL map. Each view declares its access with a decorator from
ebw_training.accounts.permissions; an endpoint without a declaration, or with a URL parameter
this test has no sample value for, fails the test. So a new route cannot be forgotten.
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

# Endpoints whose object-level check refuses some users the role alone would let in:
# {endpoint: {user key: allowed statuses}}. A trainer of another cohort, a coordinator of
# another municipality and so on are covered in the domain tests; the walk checks the role.
OBJECT_SCOPED: dict[str, dict[str, tuple[int, ...]]] = {
    # Learner pages: the walk's learner has no quiz attempt 1 and no certificate; another learner's objects are
    # refused the same way (tests/learning/test_views.py). Their handed-in exercise gives its result documents.
    "learning.quiz_result": {"learner": (404,)},
    "learning.certificate_pdf": {"learner": (404,)},
}

# Every @public endpoint, on purpose: a new public route must be added here (and justified) to pass.
PUBLIC_ENDPOINTS = {
    "accounts.forgot_password", "accounts.login", "accounts.logout", "registration.register", "accounts.reset_password",
    "learning.verify", "pages.accessibility", "pages.healthz", "pages.index", "pages.privacy", "pages.set_language",
    # The colleague who assesses a plan has no account: the single-use link is the key (dossier/services.py).
    "dossier.colleague", "dossier.colleague_withdraw",
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


def test_public_endpoints_are_exactly_the_listed_ones(app):
    public = {r.endpoint for r in _rules(app) if "public" in (access_of(app.view_functions[r.endpoint]) or ())}
    assert public == PUBLIC_ENDPOINTS


def _build(rule, values):
    unknown = [arg for arg in rule.arguments if arg not in values and arg not in (rule.defaults or {})]
    assert not unknown, f"{rule.endpoint}: add sample values for {unknown} in tests/test_permissions.py"
    args = {a: values[a] for a in rule.arguments if a not in (rule.defaults or {})}
    return url_for(rule.endpoint, **args)


def _expected_allowed(access: tuple[str, ...], role_key: str) -> bool:
    if "public" in access:
        return True
    if role_key == "anonymous":
        return False
    if "authenticated" in access:
        return True
    return ROLE_OF[role_key] in access


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
        access = access_of(app.view_functions[rule.endpoint])
        with app.test_request_context():
            url = _build(rule, values)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method, data={})
        checked += 1
        status = response.status_code
        allowed = _expected_allowed(access, role_key)
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
