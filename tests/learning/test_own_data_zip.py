"""The learner's rights: the own-data ZIP read back, account removal on request (figures unchanged), privacy page."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import select

from ebw_training.core.audit import AuditEvent
from ebw_training.extensions import db
from ebw_training.interop.models import XapiStatement
from ebw_training.learning import exercises, quiz
from ebw_training.learning.models import Certificate, ExerciseAnswer
from ebw_training.reporting.queries import summary_rows, summary_totals
from ebw_training.reporting.scope import ReportFilter, Scope

from ..factories import make_enrollment, make_user
from .conftest import RIGHT_ANSWERS, quiz_form

CHECKLIST_DONE = {"probleem": {"scale": "deels", "explanation": "Alleen signalen van partners."},
                  "meten": {"scale": "nee", "explanation": ""}}


@pytest.fixture
def active_learner(enrollment, course):
    """A learner with a quiz attempt, a handed-in exercise, a certificate and one xAPI statement."""
    alfa = course.module("alfa")
    quiz.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), quiz.new_submission_token(enrollment, alfa))
    exercises.save_exercise_draft(enrollment, course.module("alfa"), CHECKLIST_DONE)
    db.session.add(Certificate(enrollment_id=enrollment.id, code="EBW-ABCD-EFGH", issued_at=datetime(2026, 10, 1),
                               holder_name=enrollment.user.name, study_hours=4.0, content_version="test"))
    db.session.add(XapiStatement(id=str(uuid.uuid4()), user_id=enrollment.user.id, verb="experienced",
                                 statement={"verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}}))
    db.session.commit()
    return enrollment


def _zip(client) -> zipfile.ZipFile:
    response = client.get("/mijn-gegevens.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_own_data_zip_holds_every_part_and_reads_back(client, login, active_learner):
    login(active_learner.user)
    assert "/mijn-gegevens.zip" in client.get("/mijn-gegevens").get_data(as_text=True)
    archive = _zip(client)
    names = set(archive.namelist())
    assert {"gegevens.json", "LEESMIJ.txt", "certificaten/certificaat-EBW-ABCD-EFGH.pdf"} <= names
    exercise_pdfs = [n for n in names if n.startswith("oefeningen/") and n.endswith(".pdf")]
    assert len(exercise_pdfs) == 1
    for name in [*exercise_pdfs, "certificaten/certificaat-EBW-ABCD-EFGH.pdf"]:
        assert archive.read(name).startswith(b"%PDF")
    data = json.loads(archive.read("gegevens.json"))
    assert data["account"]["email"] == active_learner.user.email
    assert data["account"]["participant_id"] == active_learner.user.pseudonym
    enrolment = data["enrollments"][0]
    attempt = enrolment["quiz_attempts"][0]
    shown = {q["id"]: q for q in attempt["questions_shown"]}
    assert shown["enkel"]["prompt"] == "Welke kennis combineer je?"
    assert [o["text"] for o in shown["enkel"]["options"]] == ["Onderzoek en praktijk", "Alleen gevoel"]
    assert shown["koppel"]["options"][0] == {"text": "Planevaluatie", "match": "vooraf"}
    assert enrolment["exercises"][0]["answers"] == CHECKLIST_DONE
    assert enrolment["completion_history"], "completion history missing"
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in data["xapi_statements"]]
    assert sorted(verbs) == sorted(["launched", "attempted", "answered", "answered", "answered", "answered", "passed",
                                    "experienced"])  # the quiz handed in, and the one added by hand
    readme = archive.read("LEESMIJ.txt").decode("utf-8")
    for part in ("gegevens.json", "oefeningen/", "certificaten/", "xapi_statements", "deelnemersnummer"):
        assert part in readme


def test_own_data_zip_holds_only_the_own_data(client, login, active_learner):
    other = make_enrollment(name="Iemand Anders")
    db.session.commit()
    login(other.user)
    archive = _zip(client)
    data = json.loads(archive.read("gegevens.json"))
    assert data["xapi_statements"] == [] and not any(n.startswith("certificaten/") for n in archive.namelist())
    assert active_learner.user.email not in archive.read("gegevens.json").decode()


def _figures():
    """The national coordinator's summary: one row per municipality and funding year, and the totals."""
    rows = summary_rows(Scope(), ReportFilter())
    return rows, summary_totals(rows)


def test_removal_request_by_the_learner_carried_out_by_an_admin(client, login, active_learner):
    learner = active_learner.user
    learner_id, email = learner.id, learner.email
    rows_before, total_before = _figures()
    assert total_before.ingeschreven == 1
    login(learner)
    page = client.get("/mijn-gegevens/verwijderen")
    assert page.status_code == 200
    refused = client.post("/mijn-gegevens/verwijderen", data={})
    assert refused.status_code == 400
    assert "Vink dit aan als je je account wilt laten verwijderen." in refused.get_data(as_text=True)
    assert client.post("/mijn-gegevens/verwijderen", data={"confirm": "y"}).status_code == 302
    assert db.session.get(type(learner), learner_id).removal_requested_at is not None
    client.post("/logout")

    admin = make_user("admin")
    db.session.commit()
    login(admin)
    assert "Verzoeken om verwijdering" in client.get("/admin/").get_data(as_text=True)
    listing = client.get("/admin/verwijderverzoeken").get_data(as_text=True)
    assert learner.pseudonym in listing
    assert client.post(f"/admin/verwijderverzoeken/{learner_id}").status_code == 302
    db.session.expire_all()

    user = db.session.get(type(learner), learner_id)
    assert user.anonymised_at is not None and user.email != email and user.name != "Daan de Vries"
    assert user.password_hash is None and not user.is_active_account
    answer = db.session.scalar(select(ExerciseAnswer).where(ExerciseAnswer.enrollment_id == active_learner.id))
    assert answer.answers == {}
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == "EBW-ABCD-EFGH"))
    assert certificate.holder_removed_at is not None and certificate.holder_name == ""
    verify = client.get("/verify/EBW-ABCD-EFGH").get_data(as_text=True)
    assert "Dit certificaat is uitgegeven, maar de gegevens van de houder zijn verwijderd." in verify
    assert client.get("/badges/assertions/EBW-ABCD-EFGH.json").status_code == 410
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"account.removal_requested", "account.removed"} <= actions
    assert learner.pseudonym not in client.get("/admin/verwijderverzoeken").get_data(as_text=True)
    # The coordinator's figures are the same before and after.
    rows_after, total_after = _figures()
    assert total_after == total_before and rows_after == rows_before
    # A second run finds no open request: nothing happens twice.
    client.post(f"/admin/verwijderverzoeken/{learner_id}")
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "account.removed").offset(1)) is None


def test_a_learner_can_withdraw_the_request(client, login, active_learner):
    login(active_learner.user)
    client.post("/mijn-gegevens/verwijderen", data={"confirm": "y"})
    assert "Verzoek intrekken" in client.get("/mijn-gegevens/verwijderen").get_data(as_text=True)
    client.post("/mijn-gegevens/verwijderen", data={"withdraw": "1"})
    db.session.expire_all()
    assert active_learner.user.removal_requested_at is None


def test_admin_removal_list_uses_the_same_number_of_queries_for_few_and_many(client, login, count_queries, course):
    admin = make_user("admin")
    db.session.commit()
    login(admin)

    def add_requests(n):
        for _ in range(n):
            enrollment = make_enrollment()
            enrollment.user.removal_requested_at = datetime(2026, 11, 1)
        db.session.commit()

    add_requests(10)
    with count_queries() as few:
        assert client.get("/admin/verwijderverzoeken").status_code == 200
    add_requests(40)
    with count_queries() as many:
        assert client.get("/admin/verwijderverzoeken").status_code == 200
    assert few.count == many.count


def test_privacy_page_is_generated_from_the_retention_settings(client, app):
    old = app.config["EBW_RETENTION_DAYS"]
    app.config["EBW_RETENTION_DAYS"] = 400
    try:
        page = client.get("/privacy").get_data(as_text=True)
    finally:
        app.config["EBW_RETENTION_DAYS"] = old
    assert "400 dagen" in page and "verdwijnen na 7 dagen" in page


def test_retention_leaves_the_coordinator_figures_equal(app_ctx, course):
    from ebw_training.admin.retention import run_retention

    from ..test_retention import _old_enrollment

    old = _old_enrollment()
    make_enrollment(name="Nieuwe Deelnemer")
    db.session.commit()
    rows_before, total_before = _figures()
    assert run_retention(365).learners == [old.user_id]
    db.session.expire_all()
    rows_after, total_after = _figures()
    assert total_after == total_before and rows_after == rows_before
    assert total_before.ingeschreven == 2 and total_before.afgerond == 1  # figures that could have changed
