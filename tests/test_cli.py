"""The `flask --app wsgi ebw ...` commands of DESIGN.md section 6."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from ebw_training.accounts.models import MailMessage, User
from ebw_training.cohorts.models import Cohort, Enrollment
from ebw_training.demo import DEMO_USERS
from ebw_training.extensions import db

from .factories import make_cohort, make_user

PASSWORD = "een lange zin als wachtwoord"


def test_create_user_json(runner):
    result = runner.invoke(args=["ebw", "create-user", "Ann@Gemeente.nl", "--name", "Ann de Boer", "--role", "coordinator",
                                 "--municipality", "GM0363", "--password", PASSWORD, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["email"] == "ann@gemeente.nl" and data["role"] == "coordinator" and data["municipality"] == "GM0363"
    assert isinstance(data["id"], int)


def test_create_user_national_coordinator(runner):
    result = runner.invoke(args=["ebw", "create-user", "nat@ror.nl", "--name", "Nat", "--role", "coordinator",
                                 "--password", PASSWORD, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["municipality"] is None


def test_create_user_bad_input_exits_non_zero(runner):
    cases = [
        ["x@gemeente.nl", "--name", "X", "--role", "learner", "--municipality", "GM9999", "--password", PASSWORD],
        ["x@gemeente.nl", "--name", "X", "--role", "learner", "--password", PASSWORD],  # learner needs a municipality
        ["x@gemeente.nl", "--name", "X", "--role", "trainer", "--password", "kort"],
        ["x@gemeente.nl", "--name", "X", "--role", "king", "--password", PASSWORD],
    ]
    for args in cases:
        result = runner.invoke(args=["ebw", "create-user", *args])
        assert result.exit_code != 0, args
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_user_without_password_and_without_input_fails_clearly(runner):
    result = runner.invoke(args=["ebw", "create-user", "y@gemeente.nl", "--name", "Y", "--role", "admin"], input="")
    assert result.exit_code != 0 and "wachtwoord" in result.output


def test_create_user_reads_the_password_from_standard_input(runner):
    result = runner.invoke(args=["ebw", "create-user", "z@ror.nl", "--name", "Z", "--role", "admin", "--json"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    client = runner.app.test_client()
    assert client.post("/login", data={"email": "z@ror.nl", "password": PASSWORD}).status_code == 302


def test_create_user_is_idempotent_but_refuses_a_conflicting_account(runner):
    args = ["ebw", "create-user", "t@ror.nl", "--name", "T", "--role", "trainer", "--password", PASSWORD, "--json"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["id"] == json.loads(first.stdout)["id"]
    assert json.loads(again.stdout)["created"] is False
    assert db.session.scalar(select(func.count(User.id))) == 1
    result = runner.invoke(args=["ebw", "create-user", "t@ror.nl", "--name", "T", "--role", "admin",
                                 "--password", PASSWORD])
    assert result.exit_code != 0 and "al een account" in result.output


def test_create_cohort_json_and_enroll(runner):
    make_user("trainer", email="tr@ror.nl")
    make_user("learner", email="le@gemeente.nl", municipality="GM0362")
    db.session.commit()
    result = runner.invoke(args=["ebw", "create-cohort", "Groep Noord 2026", "--funding-municipality", "GM0363",
                                 "--year", "2026", "--reference", "VG-1", "--trainer", "tr@ror.nl",
                                 "--start", "2026-09-01", "--end", "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["enrolment_code"] and isinstance(data["id"], int)
    assert data["trainers"] == ["tr@ror.nl"] and data["funding_year"] == 2026
    for _ in range(2):  # idempotent
        result = runner.invoke(args=["ebw", "enroll", "le@gemeente.nl", "--cohort", str(data["id"])])
        assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1


def test_create_cohort_bad_input(runner):
    for args in (["--funding-municipality", "GM0000", "--year", "2026"],
                 ["--funding-municipality", "GM0363", "--year", "1990"],
                 ["--funding-municipality", "GM0363", "--year", "2026", "--start", "1-9-2026"],
                 ["--funding-municipality", "GM0363", "--year", "2026", "--trainer", "nobody@x.nl"],
                 ["--funding-municipality", "GM0363", "--year", "2026", "--start", "2026-10-01", "--end", "2026-09-01"]):
        result = runner.invoke(args=["ebw", "create-cohort", "G", *args])
        assert result.exit_code != 0, args
    assert db.session.scalar(select(func.count(Cohort.id))) == 0


def test_enroll_unknown_user_or_cohort(runner):
    cohort = make_cohort()
    db.session.commit()
    assert runner.invoke(args=["ebw", "enroll", "nobody@x.nl", "--cohort", str(cohort.id)]).exit_code != 0
    make_user("learner", email="le@gemeente.nl")
    db.session.commit()
    assert runner.invoke(args=["ebw", "enroll", "le@gemeente.nl", "--cohort", "999"]).exit_code != 0


def test_demo_is_idempotent(runner):
    assert runner.invoke(args=["ebw", "demo"]).exit_code == 0
    counts = (db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Enrollment.id))))
    assert runner.invoke(args=["ebw", "demo"]).exit_code == 0
    assert counts == (db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Enrollment.id))))
    assert counts[0] == len(DEMO_USERS)
    roles = {u.role for u in db.session.scalars(select(User))}
    assert roles == {"learner", "trainer", "coordinator", "admin"}
    municipalities = {u.municipality_code for u in db.session.scalars(select(User).where(User.role == "learner"))}
    assert len(municipalities) >= 3


def _write(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "deelnemers.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_import_learners_all_or_nothing(runner, tmp_path):
    cohort = make_cohort()
    db.session.commit()
    bad = "naam;email;gemeente_code;functie\nPiet;piet@a.nl;GM0363;oov\n;leeg@a.nl;GM0363;\nKees;geen-mail;GM9999;\nX;piet@a.nl;GM0363;\n"
    result = runner.invoke(args=["ebw", "import-learners", _write(tmp_path, bad), "--cohort", str(cohort.id)])
    assert result.exit_code != 0
    assert "Rij 3" in result.output and "Rij 4" in result.output and "Rij 5" in result.output
    assert "Rij 2" not in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0

    good = "naam;email;gemeente_code;functie\nPiet Pieters;piet@a.nl;GM0363;oov\nAnna;anna@b.nl;GM0599;\n"
    result = runner.invoke(args=["ebw", "import-learners", _write(tmp_path, good), "--cohort", str(cohort.id)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Enrollment.id))) == 2
    mails = db.session.scalars(select(MailMessage)).all()
    assert {m.recipient for m in mails} == {"piet@a.nl", "anna@b.nl"}
    assert all("/wachtwoord-kiezen/" in m.body for m in mails)


def test_import_learners_non_utf8(runner, tmp_path):
    cohort = make_cohort()
    db.session.commit()
    path = _write(tmp_path, "naam;email;gemeente_code\nJosé;jose@a.nl;GM0363\n", encoding="latin-1")
    result = runner.invoke(args=["ebw", "import-learners", path, "--cohort", str(cohort.id)])
    assert result.exit_code != 0 and "UTF-8" in result.output


def test_import_learners_missing_columns(runner, tmp_path):
    cohort = make_cohort()
    db.session.commit()
    result = runner.invoke(args=["ebw", "import-learners", _write(tmp_path, "name,mail\na,b\n"), "--cohort", str(cohort.id)])
    assert result.exit_code != 0 and "Rij 1" in result.output


def test_bad_numbers_on_the_command_line_exit_cleanly(runner):
    result = runner.invoke(args=["ebw", "enroll", "x@y.nl", "--cohort", "99999999999999999999999"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    for hours in ("nan", "NaN", "sNaN", "0.001"):
        result = runner.invoke(args=["ebw", "create-cohort", "X", "--funding-municipality", "GM0363", "--year", "2026",
                                     "--contact-hours", hours])
        assert result.exit_code == 1 and "Fout:" in result.output, hours


def test_names_with_invisible_characters_are_refused(runner):
    result = runner.invoke(args=["ebw", "create-user", "n@gemeente.nl", "--name", "Null\x01Byte", "--role", "learner",
                                 "--municipality", "GM0363", "--password", PASSWORD])
    assert result.exit_code == 1 and "onzichtbare" in result.output


def test_file_names_with_a_nul_character_are_refused_with_a_message(runner, tmp_path):
    """No file name can hold NUL; the operating system would raise instead of answering."""
    for args in (["ebw", "gift", "export", "quiz\x00.yaml", "-o", str(tmp_path / "x.gift")],
                 ["ebw", "gift", "import", "x\x00.gift", "-o", str(tmp_path / "x.yaml")],
                 ["ebw", "xapi", "export", "-o", str(tmp_path / "x\x00.jsonl")],
                 ["ebw", "export", "completions", "-o", str(tmp_path / "x\x00.csv")],
                 ["ebw", "check-content", "--dir", "inhoud\x00"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output, result.exception)  # a usage error, with a message
        assert "NUL" in result.output, (args, result.output)
