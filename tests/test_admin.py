"""Admin pages: users, roles, cohorts, enrolment codes, import, outbox, audit log."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from ebw_training.accounts.models import MailMessage, User
from ebw_training.cohorts.models import Cohort, Enrollment
from ebw_training.core.audit import AuditEvent
from ebw_training.extensions import db

from .factories import make_cohort, make_enrollment, make_user


def _admin(login):
    admin = make_user("admin")
    db.session.commit()
    login(admin)
    return admin


def test_create_user_with_invitation(client, login):
    _admin(login)
    response = client.post("/admin/gebruikers/nieuw", data={
        "name": "Tineke Trainer", "email": "tineke@ror.nl", "role": "trainer", "municipality": "", "job_domain": "",
        "password": ""})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "tineke@ror.nl"))
    assert user.role == "trainer" and user.password_hash is None
    mail = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "tineke@ror.nl"))
    assert "/wachtwoord-kiezen/" in mail.body
    assert client.get(f"/admin/mail/{mail.id}").status_code == 200
    assert "tineke@ror.nl" in client.get("/admin/mail").get_data(as_text=True)


def test_create_user_bad_input_keeps_fields(client, login):
    _admin(login)
    make_user("learner", email="dubbel@gemeente.nl")
    db.session.commit()
    response = client.post("/admin/gebruikers/nieuw", data={
        "name": "Dubbel", "email": "dubbel@gemeente.nl", "role": "learner", "municipality": "GM0363"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "al een account" in html and 'value="Dubbel"' in html


def test_change_role_is_audited(client, login):
    admin = _admin(login)
    user = make_user("trainer")
    db.session.commit()
    response = client.post(f"/admin/gebruikers/{user.id}", data={"role": "coordinator", "municipality": "GM0599"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "coordinator" and user.municipality_code == "GM0599"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
    assert event.actor_id == admin.id
    assert event.details["old_role"] == "trainer" and event.details["new_municipality"] == "GM0599"
    # national coordinator: no municipality
    client.post(f"/admin/gebruikers/{user.id}", data={"role": "coordinator", "municipality": ""})
    db.session.refresh(user)
    assert user.is_national_coordinator


def test_deactivate_user_blocks_login(client, login, app):
    admin = _admin(login)
    user = make_user("learner")
    db.session.commit()
    client.post(f"/admin/gebruikers/{user.id}/actief", data={"active": "0"})
    client.post(f"/admin/gebruikers/{user.id}/actief", data={"active": "0"})  # a double click changes nothing
    db.session.refresh(user)
    assert not user.is_active_account
    assert client.post(f"/admin/gebruikers/{user.id}/actief", data={}).status_code == 400
    client.post(f"/admin/gebruikers/{admin.id}/actief", data={"active": "0"})  # not yourself
    db.session.refresh(admin)
    assert admin.is_active_account
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": "Test-wachtwoord-voor-tests"}).status_code == 200


def test_cohort_create_edit_and_regenerate_code(client, login):
    _admin(login)
    trainer = make_user("trainer")
    db.session.commit()
    data = {"name": "Groep Zuid", "funding_municipality": "GM0599", "funding_year": "2026", "funding_reference": "VG-99",
            "start_date": "2026-09-01", "end_date": "2026-11-30", "contact_hours": "7,5", "trainers": [str(trainer.id)]}
    response = client.post("/admin/groepen/nieuw", data=data)
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Groep Zuid"))
    assert float(cohort.contact_hours) == 7.5 and cohort.trainers == [trainer]
    old_code = cohort.enrolment_code
    client.post(f"/admin/groepen/{cohort.id}/nieuwe-code")
    db.session.refresh(cohort)
    assert cohort.enrolment_code != old_code
    bad = dict(data, end_date="2026-08-01", name="Groep Zuid 2")
    response = client.post(f"/admin/groepen/{cohort.id}", data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "vóór de startdatum" in html and 'value="Groep Zuid 2"' in html
    bad = dict(data, contact_hours="veel")
    assert "als getal" in client.post(f"/admin/groepen/{cohort.id}", data=bad).get_data(as_text=True)


def test_enroll_withdraw_and_import_via_web(client, login):
    _admin(login)
    cohort = make_cohort()
    learner = make_user("learner", email="l@gemeente.nl")
    db.session.commit()
    client.post(f"/admin/groepen/{cohort.id}/inschrijven", data={"email": "l@gemeente.nl"})
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment is not None
    client.post(f"/admin/groepen/{cohort.id}/uitschrijven/{enrollment.id}")
    db.session.refresh(enrollment)
    assert enrollment.status == "uitgeschreven"
    csv_bytes = b"naam;email;gemeente_code\nNieuw;nieuw@a.nl;GM0363\nFout;fout;GM0363\n"
    response = client.post(f"/admin/groepen/{cohort.id}/importeren",
                           data={"file": (io.BytesIO(csv_bytes), "d.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Rij 3" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "nieuw@a.nl")) is None
    csv_bytes = b"naam;email;gemeente_code\nNieuw;nieuw@a.nl;GM0363\n"
    response = client.post(f"/admin/groepen/{cohort.id}/importeren",
                           data={"file": (io.BytesIO(csv_bytes), "d.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "nieuw@a.nl")) is not None


def test_withdraw_checks_cohort_of_enrollment(client, login):
    _admin(login)
    enrollment = make_enrollment()
    other = make_cohort()
    db.session.commit()
    assert client.post(f"/admin/groepen/{other.id}/uitschrijven/{enrollment.id}").status_code == 404


def test_users_page_query_count_is_constant(client, login, count_queries):
    _admin(login)
    for _ in range(3):
        make_user("learner")
    db.session.commit()
    with count_queries() as few:
        assert client.get("/admin/gebruikers").status_code == 200
    for _ in range(40):
        make_user("learner", municipality="GM0599")
    db.session.commit()
    with count_queries() as many:
        assert client.get("/admin/gebruikers").status_code == 200
    assert few.count == many.count


def test_cohort_page_query_count_is_constant(client, login, count_queries):
    _admin(login)
    cohort = make_cohort()
    for _ in range(3):
        make_enrollment(cohort=cohort)
    db.session.commit()
    with count_queries() as few:
        assert client.get(f"/admin/groepen/{cohort.id}").status_code == 200
    for i in range(40):
        make_enrollment(cohort=cohort, municipality="GM0599" if i % 2 else "GM0362")
    db.session.commit()
    with count_queries() as many:
        assert client.get(f"/admin/groepen/{cohort.id}").status_code == 200
    assert few.count == many.count


def test_municipality_lookup(client, login):
    _admin(login)
    html = client.get("/admin/gemeenten/?q=GM0518").get_data(as_text=True)
    assert "s-Gravenhage" in html
    html = client.get("/admin/gemeenten/").get_data(as_text=True)
    assert "342 gemeenten" in html


def test_audit_log_page(client, login):
    _admin(login)
    make_cohort()
    db.session.commit()
    html = client.get("/admin/logboek?actie=cohort").get_data(as_text=True)
    assert "cohort.created" in html


def test_role_change_of_an_enrolled_learner_is_refused(client, login):
    _admin(login)
    enrollment = make_enrollment()
    db.session.commit()
    learner = enrollment.user
    response = client.post(f"/admin/gebruikers/{learner.id}", data={"role": "trainer", "municipality": ""})
    assert response.status_code == 200 and "apart account" in response.get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.role == "learner"


def test_role_change_keeps_the_chosen_municipality(client, login):
    _admin(login)
    user = make_user("trainer")
    db.session.commit()
    client.post(f"/admin/gebruikers/{user.id}", data={"role": "admin", "municipality": "GM0599"})
    db.session.refresh(user)
    assert user.role == "admin" and user.municipality_code == "GM0599"


def test_too_large_upload_is_refused_calmly(client, login):
    _admin(login)
    cohort = make_cohort()
    db.session.commit()
    boundary = "grens"
    big = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"groot.csv\"\r\n"
           "Content-Type: text/csv\r\n\r\n").encode() + b"x" * (6 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(f"/admin/groepen/{cohort.id}/importeren", data=big,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)


def test_admin_archives_a_cohort_and_its_code_stops_working(client, login):
    admin = _admin(login)
    cohort = make_cohort("Afgeronde groep")
    db.session.commit()
    code = cohort.enrolment_code
    response = client.post(f"/admin/groepen/{cohort.id}/archief", data={"archived": "1"})
    assert response.status_code == 302
    db.session.refresh(cohort)
    assert cohort.archived is True
    assert "gearchiveerd" in client.get("/admin/groepen").get_data(as_text=True)
    client.post(f"/admin/groepen/{cohort.id}/archief", data={"archived": "1"})  # a double click changes nothing
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.archived")).all()
    assert len(events) == 1 and events[0].actor_id == admin.id and events[0].target == f"cohort:{cohort.id}"

    client.post("/logout")
    data = {"enrolment_code": code, "name": "Jan Jansen", "email": "jan@gemeente.nl", "municipality": "GM0599",
            "job_domain": "oov", "password": "lange zin met een fiets erin", "privacy": "y"}
    refused = client.post("/register", data=data)
    assert refused.status_code == 200 and "Deze inschrijfcode kennen we niet" in refused.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "jan@gemeente.nl")) is None

    login(admin)
    client.post(f"/admin/groepen/{cohort.id}/archief", data={"archived": "0"})
    client.post("/logout")
    assert "Kijk in je mail" in client.post("/register", data=data).get_data(as_text=True)
    body = db.session.scalar(select(MailMessage.body).where(MailMessage.recipient == "jan@gemeente.nl"))
    link = re.search(r"http://localhost(/registratie-bevestigen/\S+)", body).group(1)
    login(admin)
    client.post(f"/admin/groepen/{cohort.id}/archief", data={"archived": "1"})
    client.post("/logout")
    assert client.post(link).status_code == 302  # confirmed, but an archived cohort takes no new learners
    client.post("/logout")
    learner = db.session.scalar(select(User).where(User.email == "jan@gemeente.nl"))
    assert learner.email_confirmed and db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id)) is None
    login(admin)
    client.post(f"/admin/groepen/{cohort.id}/archief", data={"archived": "0"})
    client.post("/logout")
    client.post("/register", data=data)  # registering again: the existing account gets a notice
    assert db.session.scalar(select(MailMessage.kind).where(MailMessage.recipient == "jan@gemeente.nl")
                             .order_by(MailMessage.id.desc())) == "notice"


def test_admin_archive_needs_a_clear_wanted_state(client, login):
    _admin(login)
    cohort = make_cohort()
    db.session.commit()
    assert client.post(f"/admin/groepen/{cohort.id}/archief", data={}).status_code == 400
    assert client.post(f"/admin/groepen/{cohort.id}/archief", data={"archived": "ja"}).status_code == 400


def test_admin_revokes_a_certificate_and_the_verify_page_says_so(client, login):
    from datetime import datetime

    from ebw_training.learning.models import Certificate

    from .factories import set_enrollment_progress

    admin = _admin(login)
    enrollment = make_enrollment()
    set_enrollment_progress(enrollment, started_at=datetime(2026, 9, 1), completed_at=datetime(2026, 10, 1),
                            certificate_code="EBW-RRRR-2222")
    other = make_enrollment()
    set_enrollment_progress(other, started_at=datetime(2026, 9, 1), completed_at=datetime(2026, 10, 1),
                            certificate_code="EBW-SSSS-3333")
    db.session.commit()
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == "EBW-RRRR-2222"))
    valid = client.get("/verify/EBW-RRRR-2222").get_data(as_text=True)
    assert "ingetrokken" not in valid

    page = client.get(f"/admin/gebruikers/{enrollment.user_id}").get_data(as_text=True)
    assert "EBW-RRRR-2222" in page and "Certificaat intrekken" in page
    # Another learner's certificate cannot be revoked through this learner's page.
    other_certificate = db.session.scalar(select(Certificate).where(Certificate.code == "EBW-SSSS-3333"))
    url = f"/admin/gebruikers/{enrollment.user_id}/certificaat/{other_certificate.id}/intrekken"
    assert client.post(url).status_code == 404

    response = client.post(f"/admin/gebruikers/{enrollment.user_id}/certificaat/{certificate.id}/intrekken")
    assert response.status_code == 302
    db.session.refresh(certificate)
    revoked_at = certificate.revoked_at
    assert revoked_at is not None
    client.post(f"/admin/gebruikers/{enrollment.user_id}/certificaat/{certificate.id}/intrekken")  # twice
    db.session.refresh(certificate)
    assert certificate.revoked_at == revoked_at
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.actor_id == admin.id and event.target == "certificate:EBW-RRRR-2222"
    assert "ingetrokken op" in client.get(f"/admin/gebruikers/{enrollment.user_id}").get_data(as_text=True)

    client.post("/logout")
    verify = client.get("/verify/EBW-RRRR-2222").get_data(as_text=True)
    assert "is ingetrokken op" in verify
    db.session.refresh(other_certificate)
    assert other_certificate.revoked_at is None


def test_user_page_query_count_does_not_grow_with_enrolments_and_certificates(client, login, count_queries):
    from datetime import datetime

    from .factories import set_enrollment_progress

    _admin(login)
    learner = make_user("learner")
    set_enrollment_progress(make_enrollment(learner, make_cohort()), started_at=datetime(2026, 9, 1),
                            completed_at=datetime(2026, 10, 1), certificate_code="EBW-QQQQ-0001")
    db.session.commit()
    with count_queries() as few:
        assert client.get(f"/admin/gebruikers/{learner.id}").status_code == 200
    for number in range(2, 8):
        set_enrollment_progress(make_enrollment(learner, make_cohort()), started_at=datetime(2026, 9, 1),
                                completed_at=datetime(2026, 10, 1), certificate_code=f"EBW-QQQQ-000{number}")
    db.session.commit()
    with count_queries() as many:
        html = client.get(f"/admin/gebruikers/{learner.id}").get_data(as_text=True)
    assert "EBW-QQQQ-0007" in html and few.count == many.count
