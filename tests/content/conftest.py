"""Fixtures of the content engine: a small valid course, and broken variants of it (one per message)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ebw_training.content.markdown import ContentMarkdown

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
GIFT = FIXTURES / "gift"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def broken_cases() -> list[str]:
    return sorted(p.name for p in BROKEN.iterdir() if (p / "case.yaml").is_file())


def case_spec(name: str) -> dict:
    return yaml.safe_load((BROKEN / name / "case.yaml").read_text(encoding="utf-8"))


def build_course(target: Path, case: str | None = None) -> Path:
    """A copy of the valid course in `target`, with the files of a broken case laid over it."""
    root = target / "course"
    shutil.copytree(VALID, root)
    if case is not None:
        spec = case_spec(case)
        for rel in spec.get("delete", []):
            (root / rel).unlink()
        files = BROKEN / case / "files"
        if files.is_dir():
            for source in files.rglob("*"):
                if source.is_file():
                    dest = root / source.relative_to(files)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, dest)
    return root


@pytest.fixture
def course_dir(tmp_path) -> Path:
    return build_course(tmp_path)


@pytest.fixture
def md() -> ContentMarkdown:
    return ContentMarkdown()
