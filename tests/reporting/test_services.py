"""Report queries without HTTP: scope, filters, summary figures, months, pagination."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ebw_training.cohorts.models import ENROLLMENT_STATUSES, Enrollment
from ebw_training.core.errors import ValidationError
from ebw_training.extensions import db
from ebw_training.reporting import export_audit, queries
from ebw_training.reporting.scope import ReportFilter, Scope, ScopeError, scope_for, scoped_select

from ..factories import make_cohort, make_user
from .conftest import AMSTERDAM, AMSTERDAM_VISIBLE, ROTTERDAM, ROTTERDAM_VISIBLE
from .readers import all_enrollments, expected_summary


def visible_keys(world, scope: Scope, filters: ReportFilter | None = None) -> set[str]:
    filters = filters or ReportFilter()
    ids = set(db.session.scalars(scoped_select(scope, filters, Enrollment.id)))
    return {key for key, enrollment in world["enrollments"].items() if enrollment.id in ids}


def test_scope_of_each_role(world):
    coordinators = world["coordinators"]
    assert scope_for(coordinators["national"]).is_national
    assert scope_for(coordinators["admin"]).is_national
    assert scope_for(coordinators["amsterdam"]) == Scope(AMSTERDAM)
    for role in ("learner", "trainer"):
        with pytest.raises(ScopeError):
            scope_for(make_user(role))
    with pytest.raises(ScopeError):
        scope_for(None)


def test_national_scope_sees_every_enrolment(world):
    assert visible_keys(world, Scope()) == set(world["enrollments"])


def test_municipal_scope_is_own_learners_plus_funded_cohorts(world):
    assert visible_keys(world, Scope(AMSTERDAM)) == AMSTERDAM_VISIBLE
    assert visible_keys(world, Scope(ROTTERDAM)) == ROTTERDAM_VISIBLE
    # A municipality without learners or cohorts sees nothing at all.
    assert visible_keys(world, Scope("GM0014")) == set()


def test_municipality_filter_uses_the_same_rule_as_the_scope(world):
    assert visible_keys(world, Scope(), ReportFilter(municipality=AMSTERDAM)) == AMSTERDAM_VISIBLE
    # A filter never widens a scope: Amsterdam filtering on Rotterdam keeps only what both allow.
    assert visible_keys(world, Scope(AMSTERDAM), ReportFilter(municipality=ROTTERDAM)) == {"ams_rdam@rdam2026"}


def test_year_cohort_and_status_filters(world):
    assert visible_keys(world, Scope(AMSTERDAM), ReportFilter(year=2025)) == {"ams_old@ams2025", "ams_busy@ams2025"}
    cohort = world["cohorts"]["rdam2026"]
    assert visible_keys(world, Scope(), ReportFilter(cohort_id=cohort.id)) == ROTTERDAM_VISIBLE
    assert visible_keys(world, Scope(), ReportFilter(status="uitgeschreven")) == {"ams_gone@ams2026", "dh_gone@dh2026"}


@pytest.mark.parametrize("status", ENROLLMENT_STATUSES)
def test_sql_status_matches_the_model_property(world, status):
    """The export computes status in SQL; it must agree with Enrollment.status for every row."""
    expected = {key for key, e in world["enrollments"].items() if e.status == status}
    assert expected, f"the world has no enrolment with status {status}"
    assert visible_keys(world, Scope(), ReportFilter(status=status)) == expected
    rows = db.session.execute(select(Enrollment.id, Enrollment.status))
    by_id = dict(rows.all())
    for enrollment in world["enrollments"].values():
        assert by_id[enrollment.id] == enrollment.status


def test_summary_matches_the_database(world):
    rows = queries.summary_rows(Scope(), ReportFilter())
    expected = expected_summary(all_enrollments())
    assert {(r.gemeente_code, r.financieringsjaar) for r in rows} == set(expected)
    for row in rows:
        want = expected[(row.gemeente_code, row.financieringsjaar)]
        got = dict(zip(want, [str(v) if v is not None else "" for v in row.as_record()], strict=True))
        assert got == want


def test_summary_leaves_withdrawn_out_and_ignores_the_status_filter(world):
    rows = {(r.gemeente_code, r.financieringsjaar): r for r in queries.summary_rows(Scope(), ReportFilter())}
    den_haag = rows[("GM0518", 2026)]
    assert (den_haag.ingeschreven, den_haag.gestart, den_haag.afgerond) == (1, 1, 1)  # Dirk (withdrawn) not counted
    assert queries.summary_rows(Scope(), ReportFilter(status="afgerond")) == list(rows.values())


def test_summary_of_a_municipal_scope(world):
    rows = {(r.gemeente_code, r.financieringsjaar): r for r in queries.summary_rows(Scope(AMSTERDAM), ReportFilter())}
    assert set(rows) == {("GM0362", 2026), ("GM0363", 2025), ("GM0363", 2026), ("GM0384", 2026)}
    # Amstelveen: only the learner in Amsterdam's cohort, not the one in Rotterdam's.
    assert rows[("GM0362", 2026)].ingeschreven == 1
    amsterdam = rows[("GM0363", 2026)]
    assert (amsterdam.ingeschreven, amsterdam.gestart, amsterdam.afgerond) == (3, 3, 2)
    assert amsterdam.afrondingspercentage == Decimal("66.7")
    assert amsterdam.studiebelasting_uren == Decimal("29.75")
    assert amsterdam.contacturen == Decimal("9.00")
    totals = queries.summary_totals(rows.values())
    assert (totals.ingeschreven, totals.afgerond) == (7, 4)


@pytest.mark.parametrize(("completed", "enrolled", "rate"), [
    (1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")), (1, 8, Decimal("12.5")), (1, 16, Decimal("6.3")),
    (0, 5, Decimal("0.0")), (5, 5, Decimal("100.0")), (0, 0, None),
])
def test_completion_rate_rounds_half_up_to_one_decimal(completed, enrolled, rate):
    assert queries.completion_rate(completed, enrolled) == rate


def test_completions_by_month_uses_the_amsterdam_calendar(world):
    months = dict(queries.completions_by_month(Scope(), ReportFilter(year=2026)))
    # Fatima completed at 22:30 UTC on 31 March = 1 April in Amsterdam.
    assert months[date(2026, 4, 1)] == 1
    assert months.get(date(2026, 3, 1), 0) == 0
    # October: Anouk, Ruud and Dewi (whose certificate was revoked, but who did complete).
    assert months[date(2026, 10, 1)] == 3
    assert months[date(2026, 11, 1)] == 1
    # Every month in between is present, with 0.
    assert list(months) == [date(2026, m, 1) for m in range(4, 12)]
    assert queries.completions_by_month(Scope("GM0014"), ReportFilter()) == []


def test_completion_by_municipality_folds_years(world):
    bars = {bar.code: bar for bar in queries.completion_by_municipality(queries.summary_rows(Scope(), ReportFilter()))}
    assert (bars[AMSTERDAM].enrolled, bars[AMSTERDAM].completed) == (5, 3)
    assert bars[AMSTERDAM].rate == Decimal("60.0")


def test_enrollment_page(world):
    first = queries.enrollment_page(Scope(), ReportFilter(), page=1, per_page=5)
    assert first.total == len(world["enrollments"]) and first.pages == 3 and len(first.items) == 5
    last = queries.enrollment_page(Scope(), ReportFilter(), page=99, per_page=5)
    assert last.page == 3 and len(last.items) == len(world["enrollments"]) - 10
    names = [row.name for row in first.items]
    assert names == sorted(names)
    amsterdam = queries.enrollment_page(Scope(AMSTERDAM), ReportFilter(), per_page=50)
    ids = {row.enrollment_id for row in amsterdam.items}
    assert ids == {world["enrollments"][key].id for key in AMSTERDAM_VISIBLE}


def test_choices_stay_within_scope(world):
    cohorts = world["cohorts"]
    assert {c.id for c in queries.cohort_choices(Scope(AMSTERDAM))} == {
        cohorts["ams2026"].id, cohorts["ams2025"].id, cohorts["rdam2026"].id}
    assert len(queries.cohort_choices(Scope())) == 4
    # A cohort the municipality funds is a choice before anyone is enrolled; another municipality's is not.
    empty = make_cohort("Nog leeg", funding=AMSTERDAM, year=2027)
    other = make_cohort("Leeg elders", funding=ROTTERDAM, year=2027)
    db.session.commit()
    ids = {c.id for c in queries.cohort_choices(Scope(AMSTERDAM))}
    assert empty.id in ids and other.id not in ids and cohorts["dh2026"].id not in ids
    assert queries.year_choices(Scope(AMSTERDAM)) == [2026, 2025]
    assert {m.code for m in queries.municipality_choices(Scope())} == {
        "GM0363", "GM0362", "GM0384", "GM0599", "GM0518"}
    assert [m.code for m in queries.municipality_choices(Scope(ROTTERDAM))] == [ROTTERDAM]


def test_resolve_filter_checks_values_and_scope(world):
    rotterdam_cohort = world["cohorts"]["rdam2026"].id
    den_haag_cohort = world["cohorts"]["dh2026"].id
    assert queries.resolve_filter(Scope(), municipality=" gm0363 ", year=2026) == ReportFilter(2026, AMSTERDAM)
    assert queries.resolve_filter(Scope(AMSTERDAM), cohort_id=rotterdam_cohort).cohort_id == rotterdam_cohort
    cases = [
        (Scope(), {"municipality": "GM9999"}, "municipality"),
        (Scope(), {"municipality": "Amsterdam"}, "municipality"),
        (Scope(AMSTERDAM), {"municipality": ROTTERDAM}, "municipality"),
        (Scope(), {"cohort_id": 999999}, "cohort"),
        (Scope(AMSTERDAM), {"cohort_id": den_haag_cohort}, "cohort"),
        (Scope(), {"status": "klaar"}, "status"),
        (Scope(), {"year": 1999}, "year"),
    ]
    for who, values, field in cases:
        with pytest.raises(ValidationError) as info:
            queries.resolve_filter(who, **values)
        assert info.value.field == field, values
        assert str(info.value)


def test_export_filename(world):
    name = export_audit.export_filename("completions", "csv", Scope(AMSTERDAM), ReportFilter(year=2026, status="afgerond"),
                                    today=date(2026, 12, 1))
    assert name == "ebw-deelnemers_GM0363_2026_afgerond_2026-12-01.csv"
    assert export_audit.export_filename("summary", "pdf", Scope(), ReportFilter(year=2026, municipality=ROTTERDAM),
                                    today=date(2026, 12, 1)) == "ebw-verantwoording_GM0599_2026_2026-12-01.pdf"
    assert export_audit.export_filename("summary", "xlsx", Scope(), ReportFilter(), today=date(2026, 12, 1)) == \
        "ebw-samenvatting_landelijk_2026-12-01.xlsx"
