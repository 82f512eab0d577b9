"""xAPI 1.0.3 statements for every learning event, written to the outbox in the event's own transaction.

The actor is an account (homePage = EBW_BASE_URL, name = the learner's pseudonymous participant id), never a name or
an e-mail address. Every statement carries the enrolment's registration UUID, the module as parent and the course as
grouping activity, language nl-NL, and the learner's municipality and the cohort's funding municipality as context
extensions. Statement ids are UUIDs made here; timestamps are UTC with a "Z".

Video statements follow the xAPI Video Profile (verbs initialized, played, paused, seeked, completed; the `time`,
`time-from`, `time-to`, `progress` and `played-segments` result extensions; `session-id`, `length` and
`completion-threshold` context extensions; the profile as category activity).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event

from ..extensions import db
from ..timeutil import utcnow
from .models import XapiStatement

VERSION = "1.0.3"
LANGUAGE = "nl-NL"
ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO = "https://w3id.org/xapi/video/"
VERBS = {
    "launched": ADL + "launched",
    "experienced": ADL + "experienced",
    "completed": ADL + "completed",
    "attempted": ADL + "attempted",
    "answered": ADL + "answered",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "initialized": ADL + "initialized",
    "played": VIDEO + "verbs/played",
    "paused": VIDEO + "verbs/paused",
    "seeked": VIDEO + "verbs/seeked",
    "submitted": "http://activitystrea.ms/schema/1.0/submit",
}
VERB_NAMES = {"submitted": "submitted"}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "page": "http://activitystrea.ms/schema/1.0/page",
    "video": VIDEO + "activity-type/video",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "exercise": "http://adlnet.gov/expapi/activities/performance",
}
VIDEO_EXT = {name: VIDEO + "extensions/" + name for name in (
    "time", "time-from", "time-to", "progress", "played-segments", "session-id", "length", "completion-threshold")}
VIDEO_VERBS = ("initialized", "played", "paused", "seeked", "completed")


def base_url() -> str:
    return current_app.config["EBW_BASE_URL"].rstrip("/")


def extension(name: str) -> str:
    """Our own context extension IRIs: {EBW_BASE_URL}/xapi/extensions/NAME."""
    return f"{base_url()}/xapi/extensions/{name}"


def timestamp(value: datetime | None = None) -> str:
    value = value or utcnow()
    return value.isoformat(timespec="milliseconds") + "Z"


def actor(user) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": base_url(), "name": user.pseudonym}}


def activity(kind: str, path: str, name: str, **definition: Any) -> dict[str, Any]:
    return {"objectType": "Activity", "id": base_url() + path,
            "definition": {"type": ACTIVITY_TYPES[kind], "name": {LANGUAGE: name or path}, **definition}}


def course_activity(course) -> dict[str, Any]:
    return activity("course", "/training", course.title)


def module_activity(module) -> dict[str, Any]:
    return activity("module", f"/modules/{module.slug}", module.title)


def _verb(key: str) -> dict[str, Any]:
    return {"id": VERBS[key], "display": {"en-US": VERB_NAMES.get(key, key)}}


def _context(enrollment, course, module=None, *, category: list | None = None,
              extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    activities: dict[str, Any] = {"grouping": [course_activity(course)]}
    if module is not None:
        activities["parent"] = [module_activity(module)]
    if category:
        activities["category"] = category
    ext = {extension("municipality"): enrollment.user.municipality_code or "onbekend",
           extension("funding-municipality"): enrollment.cohort.funding_municipality_code}
    ext.update(extensions or {})
    return {"registration": enrollment.registration, "contextActivities": activities, "language": LANGUAGE,
            "platform": "EBW Leeromgeving", "extensions": ext}


def statement(enrollment, verb: str, obj: dict[str, Any], context: dict[str, Any], *,
              result: dict[str, Any] | None = None, at: datetime | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(uuid.uuid4()), "actor": actor(enrollment.user), "verb": _verb(verb),
                            "object": obj, "context": context, "timestamp": timestamp(at), "version": VERSION}
    if result is not None:
        body["result"] = result
    return body


_RECORDED = "ebw_xapi_recorded"  # Session.info: the statements recorded in the current transaction


def _recorded_in_this_transaction() -> list[XapiStatement]:
    return db.session.info.setdefault(_RECORDED, [])


@event.listens_for(db.session, "after_transaction_end")
def _forget_recorded(session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended (committed or rolled back), not a savepoint
        session.info.pop(_RECORDED, None)


def record(enrollment, body: dict[str, Any], *, at: datetime | None = None) -> XapiStatement:
    """Add the statement to the outbox in the current transaction (the caller's commit sends it on its way)."""
    row = XapiStatement(id=body["id"], user_id=enrollment.user_id, verb=body["verb"]["id"], statement=body,
                        created_at=at or utcnow())
    db.session.add(row)
    _recorded_in_this_transaction().append(row)
    return row


def record_first(enrollment, body: dict[str, Any]) -> XapiStatement:
    """Add the statement ahead of those this transaction already recorded for the same enrolment.

    A module counts as started when the summary refresh notices it, after the activity that started it recorded
    its own statements: "launched" still comes first in the outbox, and so at the LRS."""
    registration = body["context"]["registration"]
    earlier = [row for row in _recorded_in_this_transaction()
               if row.statement["context"].get("registration") == registration]
    if not earlier:
        return record(enrollment, body)
    at = min(row.created_at for row in earlier) - timedelta(microseconds=1)
    # A statement's timestamp is taken when it is built, a little before it is recorded: take the earliest.
    body["timestamp"] = min([timestamp(at), *(row.statement["timestamp"] for row in earlier)])
    return record(enrollment, body, at=at)


# ---------------------------------------------------------------------------------------------------------------
# Builders, one per learning event


def module_launched(enrollment, course, module) -> dict[str, Any]:
    return statement(enrollment, "launched", module_activity(module), _context(enrollment, course))


def module_completed(enrollment, course, module) -> dict[str, Any]:
    return statement(enrollment, "completed", module_activity(module), _context(enrollment, course),
                     result={"completion": True})


def course_completed(enrollment, course) -> dict[str, Any]:
    return statement(enrollment, "completed", course_activity(course), _context(enrollment, course),
                     result={"completion": True})


def page_experienced(enrollment, course, module, page) -> dict[str, Any]:
    obj = activity("page", f"/modules/{module.slug}/pagina/{page.number}", page.title)
    return statement(enrollment, "experienced", obj, _context(enrollment, course, module))


def segments_text(segments) -> str:
    """[[0, 5], [10, 20.5]] -> "0[.]5[,]10[.]20.5" (the profile's played-segments form)."""
    return "[,]".join(f"{_num(start)}[.]{_num(end)}" for start, end in segments)


def _num(value: float) -> str:
    return f"{round(float(value), 3):g}"


def video_event(enrollment, course, module, verb: str, *, session_id: str, length: float, time: float = 0.0,
                time_from: float | None = None, time_to: float | None = None, progress: float | None = None,
                segments=(), completion_threshold: float | None = None) -> dict[str, Any]:
    """One xAPI Video Profile statement: verb is initialized, played, paused, seeked or completed."""
    if verb not in VIDEO_VERBS:
        raise ValueError(f"unknown video verb {verb}")
    video = module.video
    obj = activity("video", f"/modules/{module.slug}/video", getattr(video, "title", "") or module.title)
    context_ext: dict[str, Any] = {VIDEO_EXT["session-id"]: str(uuid.UUID(session_id)), VIDEO_EXT["length"]: length}
    if completion_threshold is not None and verb == "initialized":
        context_ext[VIDEO_EXT["completion-threshold"]] = completion_threshold
    context = _context(enrollment, course, module, category=[{"id": "https://w3id.org/xapi/video",
                                                               "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}],
                       extensions=context_ext)
    result: dict[str, Any] | None = None
    if verb == "seeked":
        result = {"extensions": {VIDEO_EXT["time-from"]: time_from or 0.0, VIDEO_EXT["time-to"]: time_to or 0.0}}
    elif verb != "initialized":
        ext: dict[str, Any] = {VIDEO_EXT["time"]: time}
        if segments:
            ext[VIDEO_EXT["played-segments"]] = segments_text(segments)
        if verb in ("paused", "completed"):
            ext[VIDEO_EXT["progress"]] = round(progress or 0.0, 3)
        result = {"extensions": ext}
        if verb == "completed":
            result["completion"] = True
    return statement(enrollment, verb, obj, context, result=result)


def quiz_activity(module) -> dict[str, Any]:
    return activity("quiz", f"/modules/{module.slug}/toets", module.quiz.title)


def quiz_attempted(enrollment, course, module) -> dict[str, Any]:
    return statement(enrollment, "attempted", quiz_activity(module), _context(enrollment, course, module))


def interaction_definition(question) -> dict[str, Any]:
    """The cmi.interaction definition of one question: interactionType and correctResponsesPattern."""
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES["question"], "name": {LANGUAGE: question.id},
                                  "description": {LANGUAGE: question.prompt or question.id}}
    options = question.options
    if question.type == "true_false":
        right = next((o for o in options if o.correct), options[0])
        definition |= {"interactionType": "true-false",
                       "correctResponsesPattern": ["true" if right is options[0] else "false"]}
    elif question.type == "matching":
        from ..content.types import QUESTION_TYPES

        targets = QUESTION_TYPES["matching"].choices(question)  # the options' keys, then distractors x1, x2, ...
        definition |= {"interactionType": "matching",
                       "source": [{"id": o.key, "description": {LANGUAGE: o.text}} for o in options],
                       "target": [{"id": value, "description": {LANGUAGE: text or value}}
                                  for value, text in targets.items()],
                       "correctResponsesPattern": ["[,]".join(f"{o.key}[.]{o.key}" for o in options)]}
    else:  # single, multiple
        definition |= {"interactionType": "choice",
                       "choices": [{"id": o.key, "description": {LANGUAGE: o.text}} for o in options],
                       "correctResponsesPattern": ["[,]".join(o.key for o in options if o.correct)]}
    return definition


def _response(question, chosen: list[str]) -> str:
    if question.type == "true_false":
        return "true" if chosen and chosen[0] == question.options[0].key else "false"
    if question.type == "matching":
        return "[,]".join(c.replace("=", "[.]") for c in chosen)
    return "[,]".join(chosen)


def question_answered(enrollment, course, module, question, result: dict[str, Any]) -> dict[str, Any]:
    """One answered question; `result` is the stored per-question result (score, correct, chosen)."""
    obj = {"objectType": "Activity", "id": f"{base_url()}/modules/{module.slug}/toets#{question.id}",
           "definition": interaction_definition(question)}
    score = float(result.get("score", 0.0))
    context = _context(enrollment, course, module)
    context["contextActivities"]["parent"] = [quiz_activity(module)]
    context["contextActivities"]["grouping"].append(module_activity(module))
    return statement(enrollment, "answered", obj, context, result={
        "response": _response(question, list(result.get("chosen") or [])), "success": bool(result.get("correct")),
        "score": {"scaled": round(score, 4), "raw": round(score, 4), "min": 0, "max": 1}})


def quiz_finished(enrollment, course, module, score: float, passed: bool) -> dict[str, Any]:
    """Passed or failed, with score.scaled and success."""
    return statement(enrollment, "passed" if passed else "failed", quiz_activity(module),
                     _context(enrollment, course, module),
                     result={"score": {"scaled": round(score, 4)}, "success": passed, "completion": True})


def exercise_submitted(enrollment, course, module) -> dict[str, Any]:
    obj = activity("exercise", f"/modules/{module.slug}/oefening", module.exercise.title)
    return statement(enrollment, "submitted", obj, _context(enrollment, course, module),
                     result={"completion": True})


def quiz_statements(enrollment, course, module, attempt) -> list[dict[str, Any]]:
    """Everything one quiz submission says: attempted, one answered per question shown, passed or failed."""
    by_id = {q.id: q for q in module.quiz.questions}
    out = [quiz_attempted(enrollment, course, module)]
    for question_id, result in (attempt.results or {}).items():
        if question_id in by_id:
            out.append(question_answered(enrollment, course, module, by_id[question_id], result))
    out.append(quiz_finished(enrollment, course, module, attempt.score, attempt.passed))
    return out
