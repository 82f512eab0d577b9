"""xAPI: the shape of every statement type, the outbox, and the forwarder against a real Ralph LRS."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import func, select

from ebw_training.extensions import db
from ebw_training.interop import lrs, xapi
from ebw_training.interop.models import XapiStatement
from ebw_training.learning import quiz as services

from ..learning.conftest import RIGHT_ANSWERS, WRONG_ANSWERS, quiz_form
from .conftest import LRS_PASSWORD, LRS_USER

UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
BASE = "http://localhost"
SESSION = str(uuid.uuid4())


def _all_statements(enrollment, course) -> dict[str, dict]:
    alfa = course.module("alfa")
    attempt, _ = services.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS),
                                      services.new_submission_token(enrollment, alfa))
    video_module = next(m for m in course.modules if m.video is not None)
    video = dict(session_id=SESSION, length=120.0)
    built = {
        "launched": xapi.module_launched(enrollment, course, alfa),
        "module_completed": xapi.module_completed(enrollment, course, alfa),
        "course_completed": xapi.course_completed(enrollment, course),
        "experienced": xapi.page_experienced(enrollment, course, alfa, alfa.pages[0]),
        "exercise": xapi.exercise_submitted(enrollment, course, alfa),
        "initialized": xapi.video_event(enrollment, course, video_module, "initialized", completion_threshold=0.9,
                                        **video),
        "played": xapi.video_event(enrollment, course, video_module, "played", time=0.0, **video),
        "paused": xapi.video_event(enrollment, course, video_module, "paused", time=30.5, progress=0.254,
                                   segments=[[0, 30.5]], **video),
        "seeked": xapi.video_event(enrollment, course, video_module, "seeked", time_from=30.5, time_to=60.0,
                                   **video),
        "video_completed": xapi.video_event(enrollment, course, video_module, "completed", time=120.0,
                                            progress=1.0, segments=[[0, 30.5], [60, 120]], **video),
    }
    for index, body in enumerate(xapi.quiz_statements(enrollment, course, alfa, attempt)):
        built[f"quiz{index}"] = body
    return built


def test_every_statement_has_the_common_shape(app_ctx, enrollment, course):
    statements = _all_statements(enrollment, course)
    learner = enrollment.user
    for key, body in statements.items():
        assert uuid.UUID(body["id"]).version == 4, key
        assert body["version"] == "1.0.3"
        assert UTC_Z.match(body["timestamp"]), key
        assert body["actor"] == {"objectType": "Agent", "account": {"homePage": BASE, "name": learner.pseudonym}}
        text = json.dumps(body)
        assert learner.email not in text and learner.name not in text, key
        context = body["context"]
        assert context["registration"] == enrollment.registration and uuid.UUID(context["registration"])
        assert context["language"] == "nl-NL"
        assert context["contextActivities"]["grouping"][0]["id"] == f"{BASE}/training"
        assert context["extensions"][f"{BASE}/xapi/extensions/municipality"] == "GM0363"
        assert context["extensions"][f"{BASE}/xapi/extensions/funding-municipality"] == \
            enrollment.cohort.funding_municipality_code
        assert body["object"]["id"].startswith(BASE + "/")
        if key not in ("launched", "module_completed", "course_completed"):
            assert context["contextActivities"]["parent"], key
    assert len({b["id"] for b in statements.values()}) == len(statements)


def test_verbs_and_results_per_event(app_ctx, enrollment, course):
    s = _all_statements(enrollment, course)
    assert s["launched"]["verb"]["id"] == "http://adlnet.gov/expapi/verbs/launched"
    assert s["launched"]["object"]["id"] == f"{BASE}/modules/alfa"
    assert s["module_completed"]["result"] == {"completion": True}
    assert s["course_completed"]["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    assert s["experienced"]["object"]["id"] == f"{BASE}/modules/alfa/pagina/1"
    assert s["exercise"]["verb"]["id"] == "http://activitystrea.ms/schema/1.0/submit"
    quiz = [s[k] for k in sorted(k for k in s if k.startswith("quiz"))]
    assert quiz[0]["verb"]["id"].endswith("/attempted")
    assert quiz[-1]["verb"]["id"].endswith("/passed")
    assert quiz[-1]["result"]["score"]["scaled"] == 1.0 and quiz[-1]["result"]["success"] is True
    assert s["paused"]["result"]["extensions"]["https://w3id.org/xapi/video/extensions/played-segments"] == "0[.]30.5"
    assert s["video_completed"]["result"]["extensions"]["https://w3id.org/xapi/video/extensions/progress"] == 1.0
    assert s["seeked"]["result"]["extensions"] == {"https://w3id.org/xapi/video/extensions/time-from": 30.5,
                                                   "https://w3id.org/xapi/video/extensions/time-to": 60.0}
    for key in ("initialized", "played", "paused", "seeked", "video_completed"):
        context = s[key]["context"]
        assert context["extensions"]["https://w3id.org/xapi/video/extensions/session-id"] == SESSION
        assert context["extensions"]["https://w3id.org/xapi/video/extensions/length"] == 120.0
        assert context["contextActivities"]["category"][0]["id"] == "https://w3id.org/xapi/video"


def test_failed_quiz_and_each_question_as_cmi_interaction(app_ctx, enrollment, course):
    alfa = course.module("alfa")
    attempt, _ = services.submit_quiz(enrollment, alfa, quiz_form(WRONG_ANSWERS),
                                      services.new_submission_token(enrollment, alfa))
    statements = xapi.quiz_statements(enrollment, course, alfa, attempt)
    assert statements[-1]["verb"]["id"].endswith("/failed") and statements[-1]["result"]["success"] is False
    answered = {b["object"]["id"].split("#")[1]: b for b in statements[1:-1]}
    assert set(answered) == {"enkel", "meer", "waar", "koppel"}
    for body in answered.values():
        definition = body["object"]["definition"]
        assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert body["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
        assert body["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/modules/alfa/toets"
    single = answered["enkel"]
    assert single["object"]["definition"]["interactionType"] == "choice"
    assert single["object"]["definition"]["correctResponsesPattern"] == ["a"]
    assert single["result"] == {"response": "b", "success": False,
                                "score": {"scaled": 0.0, "raw": 0.0, "min": 0, "max": 1}}
    assert answered["meer"]["object"]["definition"]["correctResponsesPattern"] == ["a[,]b"]
    assert answered["meer"]["result"]["response"] == "c"
    true_false = answered["waar"]["object"]["definition"]
    assert true_false["interactionType"] == "true-false" and true_false["correctResponsesPattern"] == ["true"]
    assert answered["waar"]["result"]["response"] == "false"
    matching = answered["koppel"]["object"]["definition"]
    assert matching["interactionType"] == "matching"
    assert matching["correctResponsesPattern"] == ["a[.]a[,]b[.]b[,]c[.]c"]
    assert [t["description"]["nl-NL"] for t in matching["target"]] == ["vooraf", "tijdens", "achteraf"]
    assert answered["koppel"]["result"]["response"] == "a[.]b[,]b[.]a[,]c[.]c"


def test_outbox_row_lives_and_dies_with_the_transaction(app_ctx, enrollment, course):
    xapi.record(enrollment, xapi.module_launched(enrollment, course, course.module("alfa")))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 0
    xapi.record(enrollment, xapi.module_launched(enrollment, course, course.module("alfa")))
    db.session.commit()
    assert lrs.pending_count() == 1


def test_video_statements_validate_against_ralphs_video_models(app_ctx, enrollment, course, validate_with_ralph):
    s = _all_statements(enrollment, course)
    names = validate_with_ralph([s[k] for k in ("initialized", "played", "paused", "seeked", "video_completed")])
    assert names == ["VideoInitialized", "VideoPlayed", "VideoPaused", "VideoSeeked", "VideoCompleted"]


# ---------------------------------------------------------------------------------------------------- forwarder


@pytest.fixture
def lrs_config(app, ralph, monkeypatch):
    for key, value in {"EBW_LRS_URL": ralph.url, "EBW_LRS_USER": LRS_USER, "EBW_LRS_PASSWORD": LRS_PASSWORD,
                       "EBW_LRS_BATCH_SIZE": 4, "EBW_LRS_RETRY_DELAYS": (0.1, 0.2)}.items():
        monkeypatch.setitem(app.config, key, value)
    return ralph


def _fill_outbox(enrollment, course) -> list[str]:
    """The quiz handed in by _all_statements records its own statements; every built one is added too."""
    for body in _all_statements(enrollment, course).values():
        xapi.record(enrollment, body)
    db.session.commit()
    return list(db.session.scalars(select(XapiStatement.id).order_by(XapiStatement.created_at, XapiStatement.id)))


def test_send_posts_every_pending_statement_once_and_ralph_returns_them(runner, enrollment, course, lrs_config):
    ids = _fill_outbox(enrollment, course)
    result = runner.invoke(args=["ebw", "xapi", "send", "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "3 verklaringen verstuurd" in result.output and lrs.pending_count() == len(ids) - 3
    result = runner.invoke(args=["ebw", "xapi", "send"])
    assert result.exit_code == 0, result.output
    assert lrs.pending_count() == 0 and lrs.last_sent_at() is not None
    assert runner.invoke(args=["ebw", "xapi", "send"]).output.startswith("0 verklaringen verstuurd")
    stored = lrs_config.statements()
    assert sorted(s["id"] for s in stored) == sorted(ids)
    by_id = {s["id"]: s for s in stored}
    sent = db.session.get(XapiStatement, ids[0]).statement
    assert by_id[ids[0]]["actor"]["account"] == sent["actor"]["account"]
    assert by_id[ids[0]]["verb"]["id"] == sent["verb"]["id"]


def test_lrs_down_and_back_loses_nothing_and_doubles_nothing(runner, enrollment, course, lrs_config):
    ids = _fill_outbox(enrollment, course)
    first = runner.invoke(args=["ebw", "xapi", "send", "--limit", "4"])
    assert first.exit_code == 0
    lrs_config.stop()
    down = runner.invoke(args=["ebw", "xapi", "send"])
    assert down.exit_code == 2
    assert "de LRS is niet bereikbaar" in down.stderr and f"{len(ids) - 4} verklaringen" in down.stderr
    assert lrs.pending_count() == len(ids) - 4
    db.session.expire_all()
    failed = db.session.scalars(select(XapiStatement).where(XapiStatement.attempts > 0)).all()
    assert len(failed) == 4 and all(row.sent_at is None and row.last_error for row in failed)  # the batch it tried
    lrs_config.start()
    back = runner.invoke(args=["ebw", "xapi", "send"])
    assert back.exit_code == 0, back.output
    stored = lrs_config.statements()
    assert len(stored) == len(ids) and {s["id"] for s in stored} == set(ids)


def test_a_batch_the_lrs_took_but_we_did_not_mark_is_not_stored_twice(runner, enrollment, course, lrs_config):
    """A server that dies between the LRS's answer and its commit: the next run sends the same statements again."""
    ids = _fill_outbox(enrollment, course)
    rows = db.session.scalars(select(XapiStatement).order_by(XapiStatement.created_at).limit(4)).all()
    lrs._post([row.statement for row in rows])  # accepted by Ralph, never marked sent here
    assert runner.invoke(args=["ebw", "xapi", "send"]).exit_code == 0
    stored = lrs_config.statements()
    assert len(stored) == len(ids) and len({s["id"] for s in stored}) == len(ids)


def test_lrs_refusal_exits_non_zero_with_a_dutch_message(runner, app, enrollment, course, lrs_config, monkeypatch):
    ids = _fill_outbox(enrollment, course)
    monkeypatch.setitem(app.config, "EBW_LRS_PASSWORD", "fout")
    result = runner.invoke(args=["ebw", "xapi", "send"])
    assert result.exit_code == 1
    assert "de LRS weigert de verklaringen (HTTP 401" in result.stderr and "er gaat niets verloren" in result.stderr
    assert lrs.pending_count() == len(ids)


def test_without_an_lrs_send_does_nothing_and_exits_0(runner, app, enrollment, course, monkeypatch):
    monkeypatch.setitem(app.config, "EBW_LRS_URL", None)
    _fill_outbox(enrollment, course)
    result = runner.invoke(args=["ebw", "xapi", "send"])
    assert result.exit_code == 0 and "Geen LRS ingesteld" in result.output
    assert lrs.pending_count() > 0


def test_export_writes_json_lines_since_a_date(runner, enrollment, course, tmp_path):
    ids = _fill_outbox(enrollment, course)
    out = tmp_path / "xapi.jsonl"
    result = runner.invoke(args=["ebw", "xapi", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids
    assert runner.invoke(args=["ebw", "xapi", "export", "-o", str(out), "--since", "2999-01-01"]).exit_code == 0
    assert out.read_text(encoding="utf-8") == ""
    bad = runner.invoke(args=["ebw", "xapi", "export", "-o", str(out), "--since", "gisteren"])
    assert bad.exit_code == 1 and "JJJJ-MM-DD" in bad.stderr


def test_admin_sees_pending_count_and_downloads_the_jsonl(client, login, enrollment, course):
    from ..factories import make_user

    ids = _fill_outbox(enrollment, course)
    admin = make_user("admin")
    db.session.commit()
    login(admin)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Leeractiviteiten (xAPI)" in page and f'<span class="stat">{len(ids)}</span>' in page
    response = client.get("/admin/xapi.jsonl")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert [json.loads(line)["id"] for line in response.get_data(as_text=True).splitlines()] == ids


# ---------------------------------------------------------------------------------------------------- learning events


def _verbs() -> list[str]:
    rows = db.session.scalars(select(XapiStatement).order_by(XapiStatement.created_at, XapiStatement.id))
    return [row.verb.rsplit("/", 1)[1] for row in rows]


def test_every_learning_event_becomes_a_statement_in_the_same_transaction(app_ctx, enrollment, course):
    from ebw_training.learning import events

    alfa = course.module("alfa")
    attempt, _ = services.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS),
                                      services.new_submission_token(enrollment, alfa))
    db.session.query(XapiStatement).delete()
    db.session.commit()
    events.module_started.send(enrollment, module=alfa)
    events.page_read.send(enrollment, module=alfa, page=alfa.pages[0])
    events.quiz_submitted.send(enrollment, module=alfa, attempt=attempt)
    events.exercise_submitted.send(enrollment, module=alfa, answer=None)
    events.module_completed.send(enrollment, module=alfa)
    events.course_completed.send(enrollment)
    assert _verbs() == ["launched", "experienced", "attempted", "answered", "answered", "answered", "answered",
                        "passed", "submit", "completed", "completed"]
    db.session.rollback()  # the event's transaction fails: its statements go with it
    assert _verbs() == []


def test_video_player_events_become_video_profile_statements(client, login, enrollment, course):
    video_module = next(m for m in course.modules if m.video is not None)
    login(enrollment.user)
    url = f"/modules/{video_module.slug}/video/xapi"
    assert f'data-xapi-url="{url}"' in client.get(f"/modules/{video_module.slug}/video").get_data(as_text=True)
    session = str(uuid.uuid4())
    for body in ({"verb": "initialized"}, {"verb": "played", "time": 0}, {"verb": "paused", "time": 12.5},
                 {"verb": "seeked", "from": 12.5, "to": 40}):
        response = client.post(url, json={"session": session, **body})
        assert response.status_code == 200 and response.get_json()["sent"] is True
    # "completed" only once the server counts the video as watched.
    assert client.post(url, json={"session": session, "verb": "completed"}).get_json()["sent"] is False
    duration = video_module.video.duration
    from datetime import timedelta

    from ebw_training.learning.models import VideoProgress
    from ebw_training.timeutil import utcnow

    opened = db.session.scalar(select(VideoProgress))  # as if the page had been open for the whole video
    opened.opened_at = utcnow() - timedelta(seconds=duration)
    db.session.commit()
    client.post(f"/modules/{video_module.slug}/video/voortgang", json={"segments": [[0, duration]]})
    assert client.post(url, json={"session": session, "verb": "completed", "time": duration}).get_json()["sent"]
    video_verbs = [v for v in _verbs() if v in ("initialized", "played", "paused", "seeked", "completed")]
    assert video_verbs == ["initialized", "played", "paused", "seeked", "completed"]
    completed = db.session.scalars(select(XapiStatement).where(XapiStatement.verb.like("%/completed"))).all()
    done = [r.statement for r in completed if r.statement["object"]["id"].endswith("/video")][0]
    assert done["result"]["extensions"]["https://w3id.org/xapi/video/extensions/progress"] == 1.0
    assert done["context"]["extensions"]["https://w3id.org/xapi/video/extensions/session-id"] == session
    for bad in ({"verb": "played", "session": "geen-uuid"}, {"verb": "dansen", "session": session}, None):
        response = client.post(url, json=bad)
        assert response.status_code == 400 and response.get_json()["ok"] is False


def test_learning_activities_emit_their_statements(client, login, enrollment, course):
    """Reading a page, handing in a quiz and an exercise through the learner pages fill the outbox."""
    from ebw_training.learning import exercises, pages

    alfa = course.module("alfa")
    pages.mark_page_read(enrollment, alfa, 1)
    assert _verbs() == ["launched", "experienced"]  # the module is launched before its first page is read
    first, second = db.session.scalars(select(XapiStatement).order_by(XapiStatement.created_at)).all()
    assert first.statement["timestamp"] <= second.statement["timestamp"]
    pages.mark_page_read(enrollment, alfa, 1)  # read again: no new event
    assert len(_verbs()) == 2
    services.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), services.new_submission_token(enrollment, alfa))
    assert _verbs()[2:] == ["attempted", "answered", "answered", "answered", "answered", "passed"]
    exercises.submit_exercise(enrollment, alfa, {
        "probleem": {"scale": "deels", "explanation": "Alleen signalen van partners."},
        "meten": {"scale": "nee", "explanation": "Nog niet."}})
    assert "submit" in _verbs()
    db.session.commit()
    rows = db.session.scalars(select(XapiStatement)).all()
    assert {r.statement["context"]["registration"] for r in rows} == {enrollment.registration}
    assert {r.user_id for r in rows} == {enrollment.user_id}


def test_two_servers_sending_at_once_skip_each_others_batches(app, runner, enrollment, course, lrs_config):
    """PostgreSQL: a batch another server has locked is skipped (FOR UPDATE SKIP LOCKED), not sent twice."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite lets one writer in at a time")
    from sqlalchemy.orm import Session

    ids = _fill_outbox(enrollment, course)
    other = Session(db.engine)  # the other server: holds the oldest batch while it is posting
    locked = other.scalars(select(XapiStatement.id).where(XapiStatement.sent_at.is_(None))
                           .order_by(XapiStatement.created_at, XapiStatement.id).limit(4)
                           .with_for_update(skip_locked=True)).all()
    try:
        result = runner.invoke(args=["ebw", "xapi", "send"])
        assert result.exit_code == 0, result.output
        stored = {s["id"] for s in lrs_config.statements()}
        assert stored == set(ids) - set(locked)  # everything but the other server's batch, each once
        assert lrs.pending_count() == 4
    finally:
        other.rollback()
        other.close()
    assert runner.invoke(args=["ebw", "xapi", "send"]).exit_code == 0
    assert sorted(s["id"] for s in lrs_config.statements()) == sorted(ids)
