"""The learner pages through the test client: access, forms, downloads, object checks."""

from __future__ import annotations

import io
import json
import re

import pytest
from docx import Document
from markupsafe import Markup
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from ebw_training.content.embed import external_embed
from ebw_training.extensions import db
from ebw_training.learning import certificates as certificate_service
from ebw_training.learning import exercises as exercise_service
from ebw_training.learning import pages as page_service
from ebw_training.learning import progress as progress_service
from ebw_training.learning import quiz as quiz_service
from ebw_training.learning.models import ExerciseAnswer, PageRead, PendingDraft, QuizAttempt
from ebw_training.timeutil import utcnow

from ..factories import make_cohort, make_enrollment, make_learner
from .conftest import RIGHT_ANSWERS, WRONG_ANSWERS, open_video_earlier, quiz_form
from .test_services import CHECKLIST_DONE, FORMAT_DONE, complete_alfa


def _html(response) -> str:
    return response.get_data(as_text=True)


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def _owner(html: str) -> str:
    return re.search(r'name="owner" value="([^"]+)"', html).group(1)


def _download_name(response) -> str:
    """The file name a browser saves the download as (RFC 6266: filename* wins over filename)."""
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # a WSGI server can only send Latin-1 headers; anything else is a 500
    kind, options = parse_options_header(header)
    assert kind == "attachment"
    return options["filename"]  # werkzeug decodes an RFC 5987 filename* into this


@pytest.fixture
def learner_client(client, login, enrollment):
    login(enrollment.user)
    return client


# ---------------------------------------------------------------------------------------------------- overview


def test_learner_without_enrolment_gets_a_calm_page(client, login, course):
    learner = make_learner()
    db.session.commit()
    login(learner)
    for url in ("/modules", "/modules/alfa", "/modules/alfa/toets", "/modules/alfa/oefening", "/certificaat"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "niet ingeschreven voor een groep" in _html(response)
    response = client.post("/modules/alfa/video/voortgang", json={"segments": [[0, 1]]})
    assert response.status_code == 409 and response.get_json()["ok"] is False
    assert client.get("/mijn-gegevens").status_code == 200


def test_overview_shows_modules_progress_next_step_and_what_is_left(learner_client, enrollment, course):
    html = _html(learner_client.get("/modules"))
    for title in ("Module alfa", "Module beta", "Module gamma"):
        assert title in html
    assert "Studiebelasting: 60 minuten" in html
    assert "Zo begin je" in html and 'href="/modules/alfa"' in html
    assert html.count("<progress") == 4  # overall + one per module
    assert "Wat moet je nog doen?" in html and "Bekijk de video" in html
    page_service.mark_page_read(enrollment, course.module("gamma"), 1)
    db.session.commit()
    html = _html(learner_client.get("/modules"))
    assert "Verder waar je was" in html
    assert 'href="/modules/gamma/pagina/2"' in html.split("Verder waar je was")[1].split("</section>")[0]
    assert "Bezig" in html and "Niet gestart" in html


def test_overview_query_count_does_not_grow_with_activity(client, course, count_queries):
    """Same number of queries for a learner who just started and one with many pages, attempts and drafts."""
    from ..factories import TEST_PASSWORD

    cohort = make_cohort()
    quiet = make_enrollment(make_learner(), cohort)
    busy = make_enrollment(make_learner(), cohort)
    alfa, gamma = course.module("alfa"), course.module("gamma")
    page_service.mark_page_read(quiet, alfa, 1)
    complete_alfa(busy, course)
    for _ in range(15):
        quiz_service.submit_quiz(busy, alfa, quiz_form(WRONG_ANSWERS), quiz_service.new_submission_token(busy, alfa))
        quiz_service.submit_quiz(busy, gamma, quiz_form({"q-een": "a", "q-twee": "a"}), quiz_service.new_submission_token(busy, gamma))
    for page in gamma.pages:
        page_service.mark_page_read(busy, gamma, page.number)
    exercise_service.save_exercise_draft(busy, course.module("beta"), FORMAT_DONE)
    emails = {"quiet": quiet.user.email, "busy": busy.user.email}
    db.session.commit()
    counts = {}
    for key, email in emails.items():
        client.post("/logout")
        client.post("/login", data={"email": email, "password": TEST_PASSWORD})
        client.get("/modules")
        db.session.close()  # measure from a cold session, as a real request does
        with count_queries() as counter:
            response = client.get("/modules")
        assert response.status_code == 200
        counts[key] = counter.count
    assert "Afgerond" in _html(response)
    assert counts["busy"] == counts["quiet"], counts
    assert counts["busy"] <= 10


# ---------------------------------------------------------------------------------------------------- pages


def test_module_page_shows_goals_first_and_parts(learner_client, course):
    html = _html(learner_client.get("/modules/alfa"))
    assert html.index("Leerdoelen") < html.index("Onderdelen")
    assert "Je legt alfa uit." in html
    assert 'href="/modules/alfa/video"' in html and 'href="/modules/alfa/toets"' in html
    assert learner_client.get("/modules/bestaat-niet").status_code == 404


def test_pages_one_by_one_with_previous_next_and_mark_read(learner_client, enrollment, course):
    html = _html(learner_client.get("/modules/alfa/pagina/1"))
    assert "Tekst alfa 1" in html and "Pagina 1 van 3" in html
    assert 'rel="prev"' in html and 'href="/modules/alfa/video"' in html  # the video comes before page 1
    assert 'href="/modules/alfa/pagina/2"' in html
    assert 'action="/modules/alfa/pagina/1/gelezen"' in html
    response = learner_client.post("/modules/alfa/pagina/1/gelezen")
    assert response.status_code == 303 and response.headers["Location"] == "/modules/alfa/pagina/2"
    assert "Je hebt deze pagina gelezen." in _html(learner_client.get("/modules/alfa/pagina/1"))
    last = _html(learner_client.get("/modules/alfa/pagina/3"))
    assert "Samenvatting" in last and 'href="/modules/alfa/toets"' in last
    response = learner_client.post("/modules/alfa/pagina/3/gelezen")
    assert response.headers["Location"] == "/modules/alfa/toets"
    assert learner_client.get("/modules/alfa/pagina/4").status_code == 404
    assert learner_client.post("/modules/alfa/pagina/9/gelezen").status_code == 404
    assert db.session.scalar(select(func.count(PageRead.id))) == 2


# ---------------------------------------------------------------------------------------------------- video


def test_video_page_has_captions_on_by_default_and_the_transcript(learner_client, course):
    html = _html(learner_client.get("/modules/alfa/video"))
    track = re.search(r"<track[^>]*>", html).group(0)
    assert 'kind="captions"' in track and 'srclang="nl"' in track and " default" in track
    assert 'src="/media/intro-ebw.nl.vtt"' in track
    assert '<source src="/media/intro-ebw.webm" type="video/webm">' in html
    assert "De volledige tekst van de video." in html
    assert '<meta name="csrf-token"' in html
    assert 'data-progress-url="/modules/alfa/video/voortgang"' in html
    assert "js/video-progress.js" in html


def test_video_progress_endpoint(learner_client, enrollment, course):
    open_video_earlier(enrollment, course.module("alfa"))
    response = learner_client.post("/modules/alfa/video/voortgang", json={"segments": [[0, 50]]})
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "coverage": 50, "watched": False,
                                   "message": "Je hebt 50% van de video bekeken."}
    response = learner_client.post("/modules/alfa/video/voortgang", json={"segments": [[50, 95]]})
    assert response.get_json()["watched"] is True
    for bad in ({"segments": "alles"}, [1, 2], {"segments": [[0, "x"]]}):
        response = learner_client.post("/modules/alfa/video/voortgang", json=bad)
        assert response.status_code == 400 and response.get_json()["ok"] is False
    response = learner_client.post("/modules/alfa/video/voortgang", data="geen json")
    assert response.status_code == 400
    assert learner_client.post("/modules/gamma/video/voortgang", json={"segments": [[0, 1]]}).status_code == 400


def test_external_video_loads_only_after_a_click(learner_client, course):
    html = _html(learner_client.get("/modules/gamma/video"))
    assert "<iframe" not in html
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/abcDEF12345"' in html
    assert "YouTube (Google)" in html and "IP-adres" in html
    assert 'href="https://www.youtube.com/watch?v=abcDEF12345"' in html
    assert "js/external-video.js" in html and "video-progress.js" not in html
    assert learner_client.get("/modules/beta/video").status_code == 404


def test_external_embed_addresses():
    assert external_embed("https://youtu.be/abcDEF12345") == "https://www.youtube-nocookie.com/embed/abcDEF12345"
    assert external_embed("https://vimeo.com/123456") == "https://player.vimeo.com/video/123456"
    assert external_embed("https://example.org/video.mp4") is None
    assert external_embed("https://www.youtube.com/watch?v=<script>") is None


# ---------------------------------------------------------------------------------------------------- quiz


def test_quiz_form_has_all_questions_and_a_submission_token(learner_client, enrollment, course):
    html = _html(learner_client.get("/modules/alfa/toets"))
    assert html.count('<fieldset class="question') == 4
    token = _token(html)
    assert quiz_service.quiz_form_opened_at(enrollment, course.module("alfa"), token) is not None
    assert _token(_html(learner_client.get("/modules/alfa/toets"))) != token  # every form its own token


def test_quiz_unanswered_questions_get_messages_and_answers_are_kept(learner_client, course):
    token = _token(_html(learner_client.get("/modules/alfa/toets")))
    response = learner_client.post("/modules/alfa/toets", data={"token": token, "q-enkel": "a", "q-meer": ["b"]})
    html = _html(response)
    assert response.status_code == 200
    assert "Je hebt nog niet alle vragen beantwoord" in html
    assert 'href="#q-waar-a"' in html and 'href="#q-koppel-a"' in html
    assert 'aria-describedby="fout-waar' in html
    assert re.search(r'id="q-enkel-a"[^>]*checked', html)
    assert re.search(r'id="q-meer-b"[^>]*checked', html)
    assert _token(html) == token
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0


def test_quiz_double_submit_stores_one_attempt_and_result_page(learner_client, enrollment, course):
    token = _token(_html(learner_client.get("/modules/alfa/toets")))
    data = {"token": token, **WRONG_ANSWERS}
    first = learner_client.post("/modules/alfa/toets", data=data)
    second = learner_client.post("/modules/alfa/toets", data=data)  # double click / back button + resubmit
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
    html = _html(learner_client.get(first.headers["Location"]))
    assert "Je score: 8,3%" in html and "nog niet gehaald" in html
    assert "Niet goed: gevoel is geen kennis." in html  # feedback per chosen option
    assert "EBW combineert kennis uit onderzoek en praktijk." in html  # explanation
    assert "Niet goed beantwoord." in html
    assert 'href="/modules/alfa/toets"' in html and "Maak de toets opnieuw" in html
    # A second tab: its own token, its own attempt.
    token2 = _token(_html(learner_client.get("/modules/alfa/toets")))
    response = learner_client.post("/modules/alfa/toets", data={"token": token2, **RIGHT_ANSWERS})
    html = _html(learner_client.get(response.headers["Location"]))
    assert "Je score: 100%" in html and "Je hebt de toets gehaald." in html
    assert "Je pogingen" in html and html.count("<tr") == 3  # header + two attempts
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2


def test_quiz_with_a_bad_token_is_refused_gently(learner_client, course):
    response = learner_client.post("/modules/alfa/toets", data={"token": "kapot", **RIGHT_ANSWERS})
    assert response.status_code == 400 and "Open de toets opnieuw" in _html(response)
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0


def test_another_learners_attempt_is_not_found(client, login, enrollment, course):
    attempt, _ = quiz_service.submit_quiz(enrollment, course.module("alfa"), quiz_form(RIGHT_ANSWERS),
                                      quiz_service.new_submission_token(enrollment, course.module("alfa")))
    other = make_enrollment(make_learner(), make_cohort())
    db.session.commit()
    login(other.user)
    assert client.get(f"/modules/alfa/toets/poging/{attempt.id}").status_code == 404
    assert client.get(f"/modules/gamma/toets/poging/{attempt.id}").status_code == 404


def test_a_question_ties_its_error_message_to_the_fieldset(course):
    from ebw_training.content.types import QUESTION_TYPES

    question = course.module("alfa").quiz.questions[1]  # a multi-paragraph prompt: aria-describedby already set
    html = str(QUESTION_TYPES[question.type].render(question, number=1, error_id="fout-x"))
    assert re.search(r'<fieldset[^>]*aria-describedby="fout-x[ "]', html)


# ---------------------------------------------------------------------------------------------------- exercise


def test_exercise_form_is_generated_with_save_and_submit(learner_client, course):
    html = _html(learner_client.get("/modules/alfa/oefening"))
    assert 'name="item-probleem-scale"' in html and 'name="item-meten-explanation"' in html
    assert 'value="save"' in html and 'value="submit"' in html
    assert 'name="owner"' in html and "data-autosave-url" in html and "exercise-autosave.js" in html
    assert "Werk met een verzonnen casus." in html


def test_exercise_save_without_javascript_and_submit_with_completeness_check(learner_client, enrollment, course):
    html = _html(learner_client.get("/modules/alfa/oefening"))
    owner = _owner(html)
    response = learner_client.post("/modules/alfa/oefening", data={
        "owner": owner, "action": "save", "item-probleem-scale": "deels", "item-probleem-explanation": "Half"})
    assert response.status_code == 303
    assert "Je antwoorden zijn opgeslagen." in _html(learner_client.get("/modules/alfa/oefening"))
    response = learner_client.post("/modules/alfa/oefening", data={
        "owner": owner, "action": "submit", "item-probleem-scale": "deels", "item-probleem-explanation": "Heel",
        "item-meten-explanation": "Nog geen keuze"})
    html = _html(response)
    assert response.status_code == 200
    assert "Kies een antwoord bij deze vraag." in html and 'href="#item-meten-scale-1"' in html
    assert "Nog geen keuze" in html  # typed input kept
    row = exercise_service.exercise_answer_for(enrollment, "alfa")
    assert row.status == "draft" and row.answers["probleem"]["explanation"] == "Heel"
    response = learner_client.post("/modules/alfa/oefening", data={
        "owner": owner, "action": "submit", "item-probleem-scale": "deels", "item-probleem-explanation": "Heel",
        "item-meten-scale": "nee"})
    assert response.status_code == 303
    html = _html(learner_client.get("/modules/alfa/oefening"))
    assert "Je hebt de oefening ingeleverd." in html and "Ingeleverd op" in html
    assert "data-autosave-url" not in html and " disabled" in html
    # A submitted exercise is not changed by a late save.
    learner_client.post("/modules/alfa/oefening", data={"owner": owner, "action": "save", "item-meten-scale": "ja"})
    assert exercise_service.exercise_answer_for(enrollment, "alfa").answers["meten"]["scale"] == "nee"


def test_autosave_endpoint(learner_client, enrollment, course):
    owner = _owner(_html(learner_client.get("/modules/beta/oefening")))
    response = learner_client.post("/modules/beta/oefening/autosave", json={
        "fields": {"owner": owner, "item-doel-text": "Minder spanning", "item-meting-text": ""}})
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] and "Automatisch opgeslagen" in body["message"]
    assert exercise_service.exercise_answer_for(enrollment, "beta").answers["doel"] == {"text": "Minder spanning"}
    assert learner_client.post("/modules/beta/oefening/autosave", json={"velden": 1}).status_code == 400
    assert learner_client.post("/modules/beta/oefening/autosave", data="x").status_code == 400
    response = learner_client.post("/modules/beta/oefening/autosave", json={"fields": {"owner": "vals"}})
    assert response.status_code == 409 and response.get_json()["reason"] == "other_user"
    exercise_service.submit_exercise(enrollment, course.module("beta"), FORMAT_DONE)
    db.session.commit()
    response = learner_client.post("/modules/beta/oefening/autosave", json={"fields": {"item-doel-text": "Later"}})
    assert response.status_code == 409 and response.get_json()["reason"] == "locked"
    assert learner_client.post("/modules/gamma/oefening/autosave", json={"fields": {}}).status_code == 404


def test_answers_posted_after_logout_are_kept_and_restored_after_login(client, login, enrollment, course):
    login(enrollment.user)
    exercise_service.save_exercise_draft(enrollment, course.module("alfa"), {"meten": {"scale": "ja", "explanation": "Oud"}})
    db.session.commit()
    owner = _owner(_html(client.get("/modules/alfa/oefening")))
    client.post("/logout")
    response = client.post("/modules/alfa/oefening", data={
        "owner": owner, "action": "submit", "item-probleem-scale": "nee",
        "item-probleem-explanation": "Lang verhaal dat niet verloren mag gaan"})
    assert response.status_code == 302
    assert "/login?next=/modules/alfa/oefening" in response.headers["Location"]
    assert db.session.scalar(select(func.count(PendingDraft.id))) == 1
    assert exercise_service.exercise_answer_for(enrollment, "alfa").answers["meten"]["explanation"] == "Oud"  # unchanged
    login(enrollment.user)
    html = _html(client.get("/modules/alfa/oefening"))
    assert "We hebben antwoorden voor je bewaard" in html
    assert "Lang verhaal dat niet verloren mag gaan" in html and "data-has-pending" in html
    response = client.post("/modules/alfa/oefening/terugzetten", data={"action": "restore"})
    assert response.status_code == 303
    row = exercise_service.exercise_answer_for(enrollment, "alfa")
    assert row.answers["probleem"] == {"scale": "nee", "explanation": "Lang verhaal dat niet verloren mag gaan"}
    assert row.answers["meten"]["explanation"] == "Oud"
    assert row.status == "draft"  # restoring never submits
    assert db.session.scalar(select(func.count(PendingDraft.id))) == 0
    assert "We hebben antwoorden voor je bewaard" not in _html(client.get("/modules/alfa/oefening"))


def test_kept_answers_are_only_offered_to_their_owner(client, login, enrollment, course):
    login(enrollment.user)
    owner = _owner(_html(client.get("/modules/alfa/oefening")))
    client.post("/logout")
    client.post("/modules/alfa/oefening", data={"owner": owner, "item-probleem-explanation": "Van Daan"})
    other = make_enrollment(make_learner(), make_cohort())
    db.session.commit()
    login(other.user)
    html = _html(client.get("/modules/alfa/oefening"))
    assert "Van Daan" not in html and "We hebben antwoorden voor je bewaard" not in html
    # Posting Daan's form while someone else is logged in never writes into their draft.
    response = client.post("/modules/alfa/oefening", data={"owner": owner, "action": "save",
                                                           "item-probleem-explanation": "Van Daan"})
    assert response.status_code == 400
    assert exercise_service.exercise_answer_for(other, "alfa") is None
    # Without a valid owner nothing is kept at all.
    client.post("/logout")
    client.post("/modules/alfa/oefening", data={"owner": "vervalst", "item-probleem-explanation": "x"})
    assert db.session.scalar(select(func.count(PendingDraft.id))) == 1


def test_discarding_kept_answers(client, login, enrollment, course):
    login(enrollment.user)
    owner = _owner(_html(client.get("/modules/alfa/oefening")))
    client.post("/logout")
    client.post("/modules/alfa/oefening", data={"owner": owner, "item-probleem-explanation": "Weg ermee"})
    login(enrollment.user)
    client.post("/modules/alfa/oefening/terugzetten", data={"action": "discard"})
    assert db.session.scalar(select(func.count(PendingDraft.id))) == 0
    assert exercise_service.exercise_answer_for(enrollment, "alfa") is None


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_expired_form_keeps_the_answers_instead_of_saving_them(client, login, enrollment, course, csrf_on):
    html = _html(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    from ..factories import TEST_PASSWORD

    client.post("/login", data={"email": enrollment.user.email, "password": TEST_PASSWORD, "csrf_token": token})
    html = _html(client.get("/modules/alfa/oefening"))
    owner = _owner(html)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/modules/alfa/oefening", data={"owner": owner, "csrf_token": "verlopen",
                                                           "item-probleem-explanation": "Niet kwijt"})
    assert response.status_code == 400 and "niet verloren" in _html(response)
    assert exercise_service.exercise_answer_for(enrollment, "alfa") is None  # a forged or stale post changes nothing
    assert exercise_service.pending_draft_for(enrollment.user_id, "alfa").answers["probleem"]["explanation"] == "Niet kwijt"
    response = client.post("/modules/alfa/oefening", data={"owner": owner, "csrf_token": csrf, "action": "save",
                                                           "item-probleem-explanation": "Wel opgeslagen"})
    assert response.status_code == 303
    assert exercise_service.exercise_answer_for(enrollment, "alfa").answers["probleem"]["explanation"] == "Wel opgeslagen"
    # The JSON endpoint keeps the global CSRF check (header X-CSRFToken).
    response = client.post("/modules/alfa/oefening/autosave", json={"fields": {}})
    assert response.status_code == 400
    response = client.post("/modules/alfa/oefening/autosave", json={"fields": {"owner": owner}},
                           headers={"X-CSRFToken": csrf})
    assert response.status_code == 200


def test_trainer_feedback_is_shown(learner_client, enrollment, course):
    row = exercise_service.submit_exercise(enrollment, course.module("beta"), FORMAT_DONE)
    exercise_service.review_exercise(row, decision="returned", feedback="Maak de meting concreter.", reviewer=None)
    db.session.commit()
    html = _html(learner_client.get("/modules/beta/oefening"))
    assert "Feedback van je trainer" in html and "Maak de meting concreter." in html
    assert "Teruggegeven door de trainer" in html and "data-autosave-url" in html  # editable again


def test_result_documents_hold_name_municipality_cohort_date_and_answers(learner_client, enrollment, course):
    assert learner_client.get("/modules/alfa/oefening/resultaat.pdf").status_code == 404  # nothing saved yet
    exercise_service.submit_exercise(enrollment, course.module("alfa"), CHECKLIST_DONE)
    db.session.commit()
    response = learner_client.get("/modules/alfa/oefening/resultaat.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert _download_name(response) == "oefening-zelfscan-test.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Daan de Vries", "Amsterdam", "Groep Amstelland", "Zelfscan test", "Ingeleverd op",
                     "Weten we welk probleem we oplossen?", "Alleen signalen van partners.", "nee"):
        assert expected in text, expected
    response = learner_client.get("/modules/alfa/oefening/resultaat.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for expected in ("Daan de Vries", "Amsterdam", "Groep Amstelland", "Ingeleverd op"):
        assert expected in cells, expected
    for expected in ("Zelfscan test", "Weten we welk probleem we oplossen?", "deels. Toelichting: Alleen signalen"):
        assert expected in body, expected


# ---------------------------------------------------------------------------------------------------- certificate


def test_certificate_page_before_and_after_completion_and_verify(learner_client, client, enrollment, course):
    html = _html(learner_client.get("/certificaat"))
    assert "als je alle modules hebt afgerond" in html
    assert learner_client.get("/certificaat.pdf").status_code == 404
    enrollment.completed_at = utcnow()
    certificate = certificate_service.issue_certificate(enrollment)
    db.session.commit()
    html = _html(learner_client.get("/certificaat"))
    assert certificate.code in html and f"http://localhost/verify/{certificate.code}" in html
    response = learner_client.get("/certificaat.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for expected in ("Daan de Vries", "Amsterdam", "Testtraining EBW", certificate.code, "2,25 uur"):
        assert expected in text, expected
    learner_client.post("/logout")
    html = _html(client.get(f"/verify/{certificate.code.lower()}"))
    assert "Dit certificaat is geldig." in html and "D.d.V." in html
    assert "Daan" not in html and "Vries" not in html
    response = client.get("/verify/EBW-ZZZZ-ZZZZ")
    assert response.status_code == 404 and "niet geldig" in _html(response)
    assert client.get("/verify/" + "x" * 300).status_code == 404
    certificate.revoked_at = utcnow()
    db.session.commit()
    assert "niet meer geldig" in _html(client.get(f"/verify/{certificate.code}"))


# ---------------------------------------------------------------------------------------------------- own data


def test_own_data_download(learner_client, enrollment, course):
    exercise_service.save_exercise_draft(enrollment, course.module("alfa"), CHECKLIST_DONE)
    db.session.commit()
    assert "Download al je gegevens" in _html(learner_client.get("/mijn-gegevens"))
    response = learner_client.get("/mijn-gegevens.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == enrollment.user.email
    assert data["enrollments"][0]["exercises"][0]["answers"] == CHECKLIST_DONE


def test_other_roles_get_no_learner_pages(client, login, course):
    from ..factories import make_user

    trainer = make_user("trainer")
    db.session.commit()
    login(trainer)
    assert client.get("/modules").status_code == 403
    assert client.post("/modules/alfa/oefening", data={"item-probleem-explanation": "x"}).status_code == 403
    assert db.session.scalar(select(func.count(ExerciseAnswer.id))) == 0


# ---------------------------------------------------------------------------------------------------- code review


def _certify(enrollment, when=None):
    """Complete the enrolment on paper and issue its certificate."""
    enrollment.completed_at = when or utcnow()
    certificate = certificate_service.issue_certificate(enrollment)
    if when is not None:
        certificate.issued_at = when
    db.session.flush()
    return certificate


def test_certificate_stays_reachable_after_a_new_enrolment(client, login, enrollment, course):
    certificate = _certify(enrollment)
    make_enrollment(enrollment.user, make_cohort(name="Groep Nieuw"))  # enrolled again: a clean record
    db.session.commit()
    login(enrollment.user)
    html = _html(client.get("/certificaat"))
    assert certificate.code in html and "Groep Amstelland" in html
    assert f'href="/certificaat.pdf?code={certificate.code}"' in html
    response = client.get("/certificaat.pdf")
    assert response.status_code == 200 and certificate.code in _download_name(response)
    assert client.get(f"/certificaat.pdf?code={certificate.code}").status_code == 200


def test_certificate_stays_reachable_after_withdrawal(client, login, enrollment, course):
    from ebw_training.cohorts.services import withdraw

    certificate = _certify(enrollment)
    withdraw(enrollment)
    db.session.commit()
    login(enrollment.user)
    html = _html(client.get("/modules"))
    assert "niet ingeschreven voor een groep" in html and 'href="/certificaat"' in html
    html = _html(client.get("/certificaat"))
    assert "niet ingeschreven" not in html and certificate.code in html
    response = client.get("/certificaat.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert certificate.code in text and "Daan de Vries" in text


def test_every_certificate_is_listed_newest_first_and_only_own_ones_download(client, login, enrollment, course):
    from datetime import datetime

    old = _certify(enrollment, datetime(2025, 6, 1, 12, 0))
    again = make_enrollment(enrollment.user, make_cohort(name="Groep Herhaling"))
    new = _certify(again, datetime(2026, 6, 1, 12, 0))
    stranger = _certify(make_enrollment(make_learner(name="Iemand Anders"), make_cohort()))
    db.session.commit()
    login(enrollment.user)
    html = _html(client.get("/certificaat"))
    assert html.index(new.code) < html.index(old.code)
    assert "Groep Herhaling" in html and "Groep Amstelland" in html and stranger.code not in html
    assert new.code in _download_name(client.get("/certificaat.pdf"))  # without a code: the newest
    assert old.code in _download_name(client.get(f"/certificaat.pdf?code={old.code.lower()}"))
    assert client.get(f"/certificaat.pdf?code={stranger.code}").status_code == 404  # not yours
    assert client.get("/certificaat.pdf?code=EBW-ZZZZ-ZZZZ").status_code == 404
    assert client.get("/certificaat.pdf?code=").status_code == 404


def test_learner_without_enrolment_or_certificate_still_gets_the_calm_page(client, login, course):
    learner = make_learner()
    db.session.commit()
    login(learner)
    html = _html(client.get("/certificaat"))
    assert "niet ingeschreven voor een groep" in html and 'href="/certificaat"' not in html
    assert client.get("/certificaat.pdf").status_code == 404


def _unicode_course(course):
    """The test course with an exercise title outside Latin-1 (it names the result documents)."""
    from dataclasses import replace

    alfa = course.module("alfa")
    exercise = replace(alfa.exercise, title="Ĳverig oefenen met Ōta")
    return replace(course, modules=tuple(replace(m, exercise=exercise) if m.slug == "alfa" else m
                                         for m in course.modules))


def test_downloads_with_names_outside_latin_1(app, client, login, course):
    """A name or title with Ĳ or Ō gives a valid header (filename* per RFC 5987), not a broken download."""
    from .conftest import install_course

    changed = _unicode_course(course)
    install_course(app, changed)
    enrollment = make_enrollment(make_learner(name="Ĳsbrand Ōta"), make_cohort(name="Groep Ōsaka"))
    exercise_service.submit_exercise(enrollment, changed.module("alfa"), CHECKLIST_DONE)
    certificate = _certify(enrollment)
    db.session.commit()
    login(enrollment.user)
    pdf = client.get("/modules/alfa/oefening/resultaat.pdf")
    assert pdf.status_code == 200 and _download_name(pdf) == "oefening-ĳverig-oefenen-met-ōta.pdf"
    assert "Ĳsbrand Ōta" in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    docx = client.get("/modules/alfa/oefening/resultaat.docx")
    assert docx.status_code == 200 and _download_name(docx) == "oefening-ĳverig-oefenen-met-ōta.docx"
    cells = [c.text for t in Document(io.BytesIO(docx.data)).tables for r in t.rows for c in r.cells]
    assert "Ĳsbrand Ōta" in cells
    cert = client.get("/certificaat.pdf")
    assert cert.status_code == 200 and _download_name(cert) == f"certificaat-{certificate.code}.pdf"
    assert "Ĳsbrand Ōta" in PdfReader(io.BytesIO(cert.data)).pages[0].extract_text()
    data = client.get("/mijn-gegevens.json")
    assert data.status_code == 200 and _download_name(data).startswith("mijn-gegevens-")
    assert data.headers["Cache-Control"] == "no-store"


def test_restoring_kept_answers_twice_is_harmless(client, login, enrollment, course):
    """A double click on "Zet deze antwoorden terug" or "Niet terugzetten": the second finds nothing, no error."""
    login(enrollment.user)
    owner = _owner(_html(client.get("/modules/alfa/oefening")))
    client.post("/logout")
    client.post("/modules/alfa/oefening", data={"owner": owner, "item-probleem-explanation": "Bewaard"})
    login(enrollment.user)
    for action in ("restore", "restore", "discard"):
        response = client.post("/modules/alfa/oefening/terugzetten", data={"action": action})
        assert response.status_code == 303, action
    assert exercise_service.exercise_answer_for(enrollment, "alfa").answers["probleem"]["explanation"] == "Bewaard"


def test_restore_after_the_exercise_was_handed_in_elsewhere_with_the_kept_answers_gone(
        client, login, enrollment, course, monkeypatch):
    """Restoring fails (handed in in another tab) and the kept answers are gone by then: a message, no 500."""
    login(enrollment.user)
    owner = _owner(_html(client.get("/modules/alfa/oefening")))
    client.post("/logout")
    client.post("/modules/alfa/oefening", data={"owner": owner, "item-probleem-explanation": "Bewaard"})
    exercise_service.submit_exercise(enrollment, course.module("alfa"), CHECKLIST_DONE)
    db.session.commit()
    login(enrollment.user)
    real = exercise_service.pending_draft_for
    calls = []

    def pending_then_gone(user_id, slug):
        calls.append(slug)
        return real(user_id, slug) if len(calls) == 1 else None  # the other tab discarded them meanwhile

    monkeypatch.setattr(exercise_service, "pending_draft_for", pending_then_gone)
    response = client.post("/modules/alfa/oefening/terugzetten", data={"action": "restore"})
    assert response.status_code == 303
    monkeypatch.undo()
    assert "al ingeleverd" in _html(client.get("/modules/alfa/oefening"))


def test_handed_in_exercise_page_tells_the_script_to_forget_the_browser_copy(learner_client, enrollment, course):
    html = _html(learner_client.get("/modules/alfa/oefening"))
    key = re.search(r'data-draft-key="([^"]+)"', html).group(1)
    assert "data-forget-draft" not in html
    exercise_service.submit_exercise(enrollment, course.module("alfa"), CHECKLIST_DONE)
    db.session.commit()
    html = _html(learner_client.get("/modules/alfa/oefening"))
    assert f'data-forget-draft="{key}"' in html and "js/exercise-autosave.js" in html
    assert "data-autosave-url" not in html


def test_autosave_status_line_is_not_a_live_region(learner_client, course):
    html = _html(learner_client.get("/modules/alfa/oefening"))
    status = re.search(r"<p[^>]*data-autosave-status[^>]*>", html).group(0)
    assert "role=" not in status and "aria-live" not in status
    announcer = re.search(r"<p[^>]*data-autosave-announce[^>]*>", html).group(0)
    assert 'role="status"' in announcer and "visually-hidden" in announcer


def test_content_html_is_trusted_only_as_markup(app, learner_client, course):
    """Lesson pages, exercise instructions and transcripts are Markup from the content loader; a plain string is
    escaped, never printed as HTML (no |safe in the learner templates)."""
    from dataclasses import replace

    from .conftest import install_course

    raw = "<script>alert(1)</script>"
    alfa = course.module("alfa")
    changed = replace(
        alfa,
        pages=(replace(alfa.pages[0], html=raw), *alfa.pages[1:]),
        exercise=replace(alfa.exercise, instructions_html=raw),
        video=replace(alfa.video, transcript_html=raw),
    )
    install_course(app, replace(course, modules=(changed, *course.modules[1:])))
    for url in ("/modules/alfa/pagina/1", "/modules/alfa/oefening", "/modules/alfa/video"):
        html = _html(learner_client.get(url))
        assert raw not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    install_course(app, course)
    html = _html(learner_client.get("/modules/alfa/pagina/1"))
    assert "<p>Tekst alfa 1</p>" in html and isinstance(course.module("alfa").pages[0].html, Markup)


@pytest.mark.parametrize("slug, status, expected", [
    ("beta", "submitted", "Ingeleverd, wacht op beoordeling"),
    ("beta", "returned", "Teruggegeven door de trainer: pas je antwoorden aan en lever opnieuw in"),
    ("beta", "approved", "Goedgekeurd door de trainer"),
    ("alfa", "submitted", "Ingeleverd"),
    ("alfa", "draft", "Concept: nog niet ingeleverd"),
])
def test_module_page_words_the_exercise_status_like_the_exercise_page(learner_client, enrollment, course, slug,
                                                                     status, expected):
    from ebw_training.learning import documents

    module = course.module(slug)
    answers = FORMAT_DONE if slug == "beta" else CHECKLIST_DONE
    row = exercise_service.submit_exercise(enrollment, module, answers)
    row.status = status
    db.session.flush()
    progress_service.refresh_enrollment_summary(enrollment)
    db.session.commit()
    assert documents.exercise_status_text(status, module.requires_review) == expected
    item = _html(learner_client.get(f"/modules/{slug}")).split(f'href="/modules/{slug}/oefening"')[1]
    item = item.split("</li>")[0]
    assert f">{expected}</span>" in item
    exercise_page = _html(learner_client.get(f"/modules/{slug}/oefening"))
    assert documents.status_text(exercise_service.exercise_answer_for(enrollment, slug), module.requires_review) \
        in exercise_page
