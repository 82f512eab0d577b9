"""Property-based robustness (hypothesis): random and hostile input to every form, JSON endpoint and CLI command.

Whatever comes in, the app never answers 5xx or shows a traceback, every refusal says why (an error page, a
message at the field or a JSON message), and a refused request leaves the database as it was. The examples are
bounded so the suite stays fast, and derandomized under CI (CI=true) so a failure reproduces.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ebw_training.extensions import db

from .test_robustness import _clients, forms_of

SETTINGS = settings(
    max_examples=int(os.environ.get("EBW_HYPOTHESIS_EXAMPLES", "12")), deadline=None,
    derandomize=bool(os.environ.get("CI")), database=None,
    # No shrinking: one example is a whole request (or several CLI runs); the report names the failing input.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Rows a refused request may still write: the failed login it counts, the audit trail of what was tried.
MAY_GROW = {"login_attempt", "audit_event"}

NASTY = [
    "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2fwsgi.py", "/dev/zero", "CON", "",
    " ", "\r\n", "a\rb\nc", "x@example.nl\r\nBcc: y@example.nl", "\u202egnp.exe", "שלום עולם", "مرحبا",
    "😀👩‍👩‍👧‍👦🏳️‍🌈", "\u200b\u200d\ufeff", "\x07\x1b[31m", "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>",
    "{{7*7}}", "1e400", "NaN", "-Infinity", "-0", "99999999999999999999999999", "-2147483649", "0x1F",
    "2026-02-30", "0000-00-00", "9999-12-31", "31-12-2026", "2026-13-01", "null", "[]", "{}", "true",
]
LONG = st.builds(lambda piece, n: piece * n, st.sampled_from(["ä", "😀", "\u202e", "a", "ab "]),
                 st.integers(min_value=300, max_value=6000))
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    LONG,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
# A field sent once, or repeated with different values.
FIELD_VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
              st.floats(allow_nan=False, allow_infinity=False), HOSTILE),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(HOSTILE, st.sampled_from(["segments", "owner", "item-x"])),
                                               children, max_size=4)),
    max_leaves=25,
)


def _counts() -> dict[str, int]:
    db.session.rollback()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables
            if t.name not in MAY_GROW}


def _check(response, label: str, before: dict[str, int]) -> None:
    """No 5xx, no traceback; a refusal explains itself and saves nothing."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{label}: {response.status_code}"
    assert "Traceback" not in body and "Werkzeug Debugger" not in body, f"{label}: traceback shown"
    refused = response.status_code >= 400 or 'class="error-summary"' in body
    if not refused:
        return
    if response.is_json:
        assert (response.get_json() or {}).get("message"), f"{label}: JSON refusal without a message"
    elif response.status_code >= 400:
        assert "<h1" in body and "</main>" in body, f"{label}: refusal without an explanation page"
    else:
        assert 'class="field-error' in body or "error-summary" in body, f"{label}: no message at the field"
    after = _counts()
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not changed, f"{label}: refused ({response.status_code}) but saved {changed}"


def test_every_form_survives_hostile_input(app, world):
    clients = _clients(app, world)
    forms = forms_of(app, world, clients)
    assert len(forms) >= 8, [f[0] for f in forms]
    for url, client, baseline in forms:
        _hostile_posts(url, client, baseline)()


def _hostile_posts(url, client, baseline):
    names = sorted(baseline)

    @SETTINGS
    @given(data=st.data())
    def post_hostile(data):
        changed = data.draw(st.dictionaries(st.sampled_from(names), FIELD_VALUE, max_size=len(names)))
        dropped = data.draw(st.sets(st.sampled_from(names), max_size=2))
        extra = data.draw(st.dictionaries(HOSTILE.filter(lambda s: 0 < len(s) < 40), HOSTILE, max_size=2))
        payload = {**{k: v for k, v in baseline.items() if k not in dropped}, **changed, **extra}
        before = _counts()
        _check(client.post(url, data=payload), f"POST {url} {payload!r:.300}", before)

    return post_hostile


def test_json_endpoints_survive_hostile_json(app, world):
    clients = _clients(app, world)
    learner = clients["learner"]
    slug = world["answer"].module_slug
    urls = [f"/modules/{slug}/video/voortgang", f"/modules/{slug}/oefening/autosave"]

    @SETTINGS
    @given(url=st.sampled_from(urls), body=st.one_of(JSON_VALUE.map(json.dumps), HOSTILE))
    def post_json(url, body):
        before = _counts()
        response = learner.post(url, data=body, content_type="application/json")
        _check(response, f"POST {url} {body!r:.300}", before)
        if response.status_code >= 400:
            assert response.is_json, f"POST {url}: a JSON endpoint answered {response.mimetype}"

    post_json()


CSV_ROW = st.lists(st.one_of(HOSTILE, st.sampled_from(["Jan Jansen", "jan@example.nl", "GM0363", "oov"])),
                   min_size=0, max_size=6)
CSV_FILE = st.one_of(
    st.lists(CSV_ROW, max_size=6).map(
        lambda rows: "\n".join([";".join(r) for r in [["naam", "email", "gemeente_code", "functie"], *rows]])),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    st.lists(CSV_ROW, max_size=4).map(lambda rows: "\r\n".join(",".join(r) for r in rows)),
)


def test_csv_import_survives_malformed_files(app, world):
    clients = _clients(app, world)
    admin = clients["admin"]
    url = f"/admin/groepen/{world['cohort'].id}/importeren"

    @SETTINGS
    @given(text=CSV_FILE, encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]), name=HOSTILE)
    def upload(text, encoding, name):
        from io import BytesIO

        data = text.encode(encoding, errors="replace")
        before = _counts()
        response = admin.post(url, data={"file": (BytesIO(data), name or "x.csv")},
                              content_type="multipart/form-data")
        _check(response, f"import {text!r:.200}", before)

    upload()


GIFT_FILE = st.one_of(
    st.lists(st.sampled_from([
        "::Vraag::Wat is EBW? {=goed ~fout}", "::V2:: Waar? {TRUE}", "{", "}", "::::", "// commentaar",
        "$CATEGORY: x", "::M:: Koppel {=a -> b =c -> d}", "::N:: Getal {#1:0.5}", "::E:: {=}", "::X:: {~a ~b}",
        "\\{ \\} \\= \\~", "::Lang::" + "ä" * 3000 + "{=a ~b}", "[html]<b>x</b>{=a ~b}",
    ]), max_size=8).map("\n\n".join),
    st.text(max_size=300),
)


def test_cli_commands_survive_hostile_arguments_and_files(app_ctx, world, tmp_path):
    runner = app_ctx.test_cli_runner()

    def invoke(args: list[str], label: str) -> None:
        before = _counts()
        result = runner.invoke(args=args, catch_exceptions=True)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{label}: {type(result.exception).__name__}: {result.exception}")
        assert "Traceback" not in result.output, f"{label}: traceback"
        if result.exit_code != 0:
            assert result.output.strip(), f"{label}: failed without saying why"
            after = _counts()
            assert before == after, f"{label}: failed but saved something"

    @SETTINGS
    @given(csv=CSV_FILE, gift=GIFT_FILE, value=HOSTILE, number=st.integers(min_value=-(10**12), max_value=10**12))
    def run_commands(csv, gift, value, number):
        (tmp_path / "in.csv").write_text(csv, "utf-8", errors="replace")
        (tmp_path / "in.gift").write_text(gift, "utf-8", errors="replace")
        invoke(["ebw", "import-learners", "--cohort", str(world["cohort"].id), str(tmp_path / "in.csv")], "import")
        invoke(["ebw", "import-learners", "--cohort", str(number), str(tmp_path / "in.csv")], "import cohort")
        output = tmp_path / "out" / "quiz.yaml"
        invoke(["ebw", "gift", "import", str(tmp_path / "in.gift"), "-o", str(output), "--force"], "gift import")
        invoke(["ebw", "create-user", value, "--name", value, "--role", "learner", "--municipality", value,
                "--password", value, "--job-domain", value], "create-user")
        invoke(["ebw", "create-cohort", value, "--funding-municipality", value, "--year", str(number),
                "--start", value, "--end", value, "--contact-hours", value, "--trainer", value], "create-cohort")
        invoke(["ebw", "enroll", value, "--cohort", str(number)], "enroll")
        invoke(["ebw", "gift", "export", value, "-o", str(tmp_path / "out.gift")], "gift export")

    run_commands()


def test_deeply_nested_json_is_refused_with_a_message(app, world):
    clients = _clients(app, world)
    slug = world["answer"].module_slug
    body = "[" * 100_000 + "]" * 100_000
    for client, url in ((clients["public"], f"/modules/{slug}/oefening"),
                        (clients["learner"], f"/modules/{slug}/oefening/autosave"),
                        (clients["learner"], f"/modules/{slug}/video/voortgang")):
        before = _counts()
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, url
        _check(response, f"deeply nested JSON to {url}", before)


def test_found_by_the_properties_devices_and_stray_carriage_returns(app_ctx, world, tmp_path):
    """Two inputs the properties found: a device as input file (read forever) and a bare CR inside a CSV field."""
    runner = app_ctx.test_cli_runner()
    for args in (["ebw", "gift", "export", "/dev/zero", "-o", str(tmp_path / "x.gift")],
                 ["ebw", "gift", "import", "/dev/zero", "-o", str(tmp_path / "x.yaml")],
                 ["ebw", "import-learners", "--cohort", str(world["cohort"].id), "/dev/zero"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2 and "geen gewoon bestand" in result.output, args
    (tmp_path / "in.csv").write_text("naam;email;gemeente_code;functie\nJan\rJansen;jan@example.nl;GM0363;oov\n")
    result = runner.invoke(args=["ebw", "import-learners", "--cohort", str(world["cohort"].id),
                                 str(tmp_path / "in.csv")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 0 and ("Rij" in result.output or "CSV" in result.output), result.output
