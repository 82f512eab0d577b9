"""A reporting world: several municipalities, cohorts, funding years and every status.

Amsterdam (GM0363) funds two cohorts (2026 and 2025) with learners from Amsterdam, Amstelveen and
Diemen; Rotterdam (GM0599) funds a cohort with an Amsterdam learner among its own; Den Haag
(GM0518) funds one with a withdrawn learner and a revoked certificate. So a municipal
coordinator of Amsterdam sees cohorts it funds plus its own learners elsewhere, and nothing else.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from ebw_training.extensions import db

from ..factories import make_cohort, make_enrollment, make_learner, make_user, set_enrollment_progress

AMSTERDAM, AMSTELVEEN, DIEMEN, ROTTERDAM, DEN_HAAG = "GM0363", "GM0362", "GM0384", "GM0599", "GM0518"


def dt(text: str) -> datetime:
    """A naive UTC timestamp, as the database stores them."""
    return datetime.fromisoformat(text)


@pytest.fixture
def world(app_ctx):
    tom = make_user("trainer", name="Tom Trainer", email="tom@example.nl")
    anna = make_user("trainer", name="Anna Zwart", email="anna@example.nl")
    coordinators = {
        "national": make_user("coordinator", name="Carla Landelijk", email="national@example.nl"),
        "amsterdam": make_user("coordinator", municipality=AMSTERDAM, name="Mehmet Yilmaz",
                               email="coord.amsterdam@example.nl"),
        "rotterdam": make_user("coordinator", municipality=ROTTERDAM, name="Rita Rotterdam",
                               email="coord.rotterdam@example.nl"),
        "admin": make_user("admin", name="Anna Beheer", email="admin@example.nl"),
    }
    cohorts = {
        "ams2026": make_cohort("Amsterdam-Amstelland 2026", funding=AMSTERDAM, year=2026, trainers=[tom, anna],
                               reference="VG-2026-AMS-014"),
        "ams2025": make_cohort("Amsterdam 2025", funding=AMSTERDAM, year=2025, trainers=[tom],
                               reference="VG-2025-AMS-003"),
        "rdam2026": make_cohort("Rotterdam-Rijnmond 2026", funding=ROTTERDAM, year=2026, trainers=[anna],
                                reference=None),
        "dh2026": make_cohort("Den Haag 2026", funding=DEN_HAAG, year=2026, trainers=[], reference="VG-DH-1"),
    }
    people: dict[str, object] = {}

    def enrol(key, municipality, cohort, name=None, job="oov", **progress):
        learner = people.get(key + ":user") or make_learner(municipality, name=name or key.capitalize(),
                                                            email=f"{key}@example.nl", job_domain=job)
        people[key + ":user"] = learner
        enrollment = make_enrollment(learner, cohorts[cohort])
        set_enrollment_progress(enrollment, **progress)
        people[f"{key}@{cohort}"] = enrollment
        return enrollment

    # Amsterdam-Amstelland 2026 (funded by Amsterdam): learners from three municipalities.
    enrol("ams_done", AMSTERDAM, "ams2026", name="Daan de Vries", started_at=dt("2026-09-02 08:00"),
          last_active_at=dt("2026-11-20 15:00"), modules_completed=8, modules_total=8, quiz_average=85.5,
          exercises_submitted=8, contact_hours_attended="6", study_hours="12.5",
          completed_at=dt("2026-11-20 15:00"), certificate_code="EBW-AAAA-1111")
    enrol("ams_busy", AMSTERDAM, "ams2026", name="Ĳsbrand Özdemir-Çelik", job="sociaal_domein",
          started_at=dt("2026-09-03 09:00"), last_active_at=dt("2026-10-01 10:00"), modules_completed=3,
          modules_total=8, quiz_average=70.0, exercises_submitted=2, contact_hours_attended="3", study_hours="4.75")
    enrol("amv_done", AMSTELVEEN, "ams2026", name="Fatima El Amrani", job="onderzoek",
          started_at=dt("2026-09-02 10:00"), modules_completed=8, modules_total=8, quiz_average=92.3,
          exercises_submitted=8, contact_hours_attended="6", study_hours="12.5",
          # 22:30 UTC on 31 March is 00:30 on 1 April in Amsterdam.
          completed_at=dt("2026-03-31 22:30"), certificate_code="EBW-BBBB-2222")
    enrol("die_new", DIEMEN, "ams2026", name="Sanne Bakker", modules_total=8)
    enrol("ams_gone", AMSTERDAM, "ams2026", name="=HYPERLINK(\"http://x\";\"klik\")", started_at=dt("2026-09-05 12:00"),
          modules_completed=1, modules_total=8, study_hours="1.5", withdrawn_at=dt("2026-09-20 12:00"))
    # Amsterdam 2025: a completed learner and a not-started one.
    enrol("ams_old", AMSTERDAM, "ams2025", name="Bram Oud", started_at=dt("2025-03-01 09:00"), modules_completed=8,
          modules_total=8, quiz_average=77.25, exercises_submitted=8, contact_hours_attended="4.5",
          study_hours="12.5", completed_at=dt("2025-06-15 10:00"), certificate_code="EBW-CCCC-3333")
    enrol("ams_busy", AMSTERDAM, "ams2025", modules_total=8)
    # Rotterdam-Rijnmond 2026 (funded by Rotterdam): an Amsterdam learner among Rotterdam and Amstelveen ones.
    enrol("ams_rdam", AMSTERDAM, "rdam2026", name="Anouk Amsterdammer", started_at=dt("2026-09-10 09:00"),
          modules_completed=8, modules_total=8, quiz_average=88.0, exercises_submitted=8, study_hours="12.5",
          completed_at=dt("2026-10-10 09:00"), certificate_code="EBW-DDDD-4444")
    enrol("rot_done", ROTTERDAM, "rdam2026", name="Ruud Rotterdam", started_at=dt("2026-09-10 09:00"),
          modules_completed=8, modules_total=8, quiz_average=66.7, exercises_submitted=8, contact_hours_attended="6",
          study_hours="12.5", completed_at=dt("2026-10-11 09:00"), certificate_code="EBW-EEEE-5555")
    enrol("rot_busy", ROTTERDAM, "rdam2026", name="Roos Rijnmond", started_at=dt("2026-09-11 09:00"),
          modules_completed=2, modules_total=8, quiz_average=50.0, exercises_submitted=1, study_hours="3")
    enrol("amv_rdam", AMSTELVEEN, "rdam2026", name="Arie Amstelveen", modules_total=8)
    # Den Haag 2026: a withdrawn learner and one whose certificate was revoked.
    enrol("dh_gone", DEN_HAAG, "dh2026", name="Dirk Haags", started_at=dt("2026-09-01 09:00"),
          withdrawn_at=dt("2026-09-02 09:00"), modules_total=8)
    enrol("dh_done", DEN_HAAG, "dh2026", name="Dewi Haags", started_at=dt("2026-09-01 09:00"), modules_completed=8,
          modules_total=8, quiz_average=80.0, exercises_submitted=8, study_hours="12.5",
          completed_at=dt("2026-10-01 09:00"), certificate_code="EBW-FFFF-6666",
          certificate_revoked_at=dt("2026-10-05 09:00"))
    db.session.commit()
    enrollments = {key: value for key, value in people.items() if "@" in key}
    return {"coordinators": coordinators, "cohorts": cohorts, "enrollments": enrollments,
            "trainers": {"tom": tom, "anna": anna}}


# Enrolment keys a coordinator of Amsterdam may see: Amsterdam learners anywhere, and everyone in
# the cohorts Amsterdam funds.
AMSTERDAM_VISIBLE = {
    "ams_done@ams2026", "ams_busy@ams2026", "amv_done@ams2026", "die_new@ams2026", "ams_gone@ams2026",
    "ams_old@ams2025", "ams_busy@ams2025", "ams_rdam@rdam2026",
}
ROTTERDAM_VISIBLE = {"ams_rdam@rdam2026", "rot_done@rdam2026", "rot_busy@rdam2026", "amv_rdam@rdam2026"}
