"""The cohort matrix: cells from real progress, sorting and filtering by query parameters, totals, downloads."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from ebw_training.extensions import db

from ..factories import make_cohort, make_enrollment, make_learner, make_user
from .data import bulk_cohort, complete_module, exercise, quiz_attempt, read_all_pages, trainer_cohort


def _setup():
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    anna = make_enrollment(make_learner("GM0363", name="Anna de Vries"), cohort)
    bram = make_enrollment(make_learner("GM0599", name="Bram Jansen"), cohort)
    cees = make_enrollment(make_learner("GM0363", name="Cees Bakker"), cohort)
    complete_module(anna, "lokale-aanpak", score=0.9)
    read_all_pages(bram, "lokale-aanpak")
    quiz_attempt(bram, "lokale-aanpak", 0.5)
    quiz_attempt(bram, "lokale-aanpak", 0.6)
    exercise(bram, "lokale-aanpak", "draft")
    from ebw_training.learning.progress import refresh_enrollment_summary

    refresh_enrollment_summary(bram)
    db.session.commit()
    return trainer, cohort, anna, bram, cees


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<\n]+)', html.split("<tfoot>")[0])


def test_cells_show_status_score_and_exercise_in_text(client, login):
    trainer, cohort, anna, bram, cees = _setup()
    login(trainer)
    html = client.get(f"/trainer/groepen/{cohort.id}/matrix").get_data(as_text=True)
    assert _names(html) == ["Anna de Vries", "Bram Jansen", "Cees Bakker"]
    rows = html.split('<th scope="row">')
    anna_row, bram_row, cees_row = rows[1], rows[2], rows[3]
    # Module 2 (lokale-aanpak) is the second module cell of each row.
    anna_cells = anna_row.split('class="matrix-cell"')
    assert "✓" in anna_cells[2] and "afgerond" in anna_cells[2] and "90%" in anna_cells[2]
    assert "ingeleverd" in anna_cells[2]
    bram_cells = bram_row.split('class="matrix-cell"')
    assert "◐" in bram_cells[2] and "bezig" in bram_cells[2] and "60%" in bram_cells[2]
    assert "concept" in bram_cells[2]
    assert "niet gestart" in cees_row.split('class="matrix-cell"')[2]
    # Each row opens the learner's evaluation dossier.
    assert f'/trainer/groepen/{cohort.id}/deelnemers/{anna.id}/dossier.pdf' in anna_row
    # Totals: one learner completed module 2; the average best score is (0.9 + 0.6) / 2 = 75 %.
    footer_cells = html.split("<tfoot>")[1].split("<td>")
    assert "0 afgerond" in footer_cells[5] and "1 afgerond" in footer_cells[6] and "75%" in footer_cells[6]


def test_sorting_and_filtering_by_query_parameters(client, login):
    trainer, cohort, *_ = _setup()
    login(trainer)
    url = f"/trainer/groepen/{cohort.id}/matrix"
    html = client.get(url + "?sorteer=m-lokale-aanpak&richting=desc").get_data(as_text=True)
    assert _names(html) == ["Anna de Vries", "Bram Jansen", "Cees Bakker"]
    assert 'aria-sort="descending"' in html and html.count("aria-sort=") == 1
    html = client.get(url + "?sorteer=m-lokale-aanpak&richting=asc").get_data(as_text=True)
    assert _names(html) == ["Cees Bakker", "Bram Jansen", "Anna de Vries"]
    assert 'aria-sort="ascending"' in html
    html = client.get(url + "?sorteer=naam&richting=desc&gemeente=GM0363").get_data(as_text=True)
    assert _names(html) == ["Cees Bakker", "Anna de Vries"]
    html = client.get(url + "?status=niet_gestart").get_data(as_text=True)
    assert _names(html) == ["Cees Bakker"]
    # Nonsense parameters fall back to the defaults instead of failing.
    response = client.get(url + "?sorteer=%27;drop&richting=x&gemeente=GM9999&status=x")
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == ["Anna de Vries", "Bram Jansen", "Cees Bakker"]


def test_csv_and_xlsx_downloads_hold_the_same_matrix(client, login):
    trainer, cohort, *_ = _setup()
    login(trainer)
    response = client.get(f"/trainer/groepen/{cohort.id}/matrix.csv?gemeente=GM0363")
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Deelnemer", "Gemeente", "Status", "Modules afgerond"]
    assert [r[0] for r in rows[1:]] == ["Anna de Vries", "Cees Bakker"]
    column = [i for i, name in enumerate(rows[0]) if name.endswith("beste toetsscore (%)")][1]
    assert rows[1][column] == "90.0"
    response = client.get(f"/trainer/groepen/{cohort.id}/matrix.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.values)
    assert list(values[0][:2]) == ["Deelnemer", "Gemeente"]
    assert [v[0] for v in values[1:]] == ["Anna de Vries", "Bram Jansen", "Cees Bakker"]
    assert values[1][column] == 90.0


def test_another_trainer_gets_404_for_matrix_and_downloads(client, login):
    _trainer, cohort, *_ = _setup()
    other = make_user("trainer")
    db.session.commit()
    login(other)
    for suffix in ("matrix", "matrix.csv", "matrix.xlsx"):
        assert client.get(f"/trainer/groepen/{cohort.id}/{suffix}").status_code == 404


def test_matrix_query_count_is_the_same_for_10_and_1000_learners(client, login, count_queries):
    cohort = trainer_cohort(login, learners=10, attempts=1)
    with count_queries() as small:
        assert client.get(f"/trainer/groepen/{cohort.id}/matrix").status_code == 200
    bulk_cohort(cohort, 990, offset=10, attempts=1)
    with count_queries() as large:
        response = client.get(f"/trainer/groepen/{cohort.id}/matrix")
    assert response.status_code == 200
    assert len(_names(response.get_data(as_text=True))) == 1000
    assert small.count == large.count
