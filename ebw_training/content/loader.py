"""Load the course from its files: read, check and render everything once, at start-up.

`load_course(root)` returns the course and every problem found. The start-up path (refuse to start on
errors, reload in debug mode, the database slug check) is in content/startup.py.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import keycheck, validate
from .carry import check_carried
from .course import Course, Exercise, Module, Page, Quiz, Video
from .exercise_kinds import EXERCISE_KINDS
from .markdown import ContentMarkdown
from .problems import ERROR, Problem
from .types import QUESTION_TYPES
from .yamlutil import line_of, load_yaml

COURSE_TITLE = "Evidence Based Werken bij de preventie van radicalisering"
VIDEO_TYPES = (("webm", "video/webm"), ("mp4", "video/mp4"))
POSTER_TYPES = ("poster.png", "poster.jpg", "poster.webp")

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------------------------
# Reading files


class _Reader:
    """Reads content files once, remembering their bytes for the content versions."""

    def __init__(self, root: Path, problems: list[Problem]):
        self.root = root
        self.problems = problems
        self.data: dict[str, bytes] = {}

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def read(self, path: Path) -> str | None:
        rel = self.rel(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            self.problems.append(Problem(rel, 0, f"Het bestand kan niet worden gelezen: {error.strerror}."))
            return None
        self.data[rel] = raw
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problems.append(Problem(rel, line, "Het bestand is geen UTF-8-tekst. Sla het op als UTF-8 "
                                                    "(in de meeste editors: 'Opslaan als' > codering UTF-8)."))
            return None
        return text.lstrip("\ufeff").replace("\r\n", "\n")


def _sha(parts: Iterable[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in parts:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(data + b"\0")
    return digest.hexdigest()


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))


# --------------------------------------------------------------------------------------------------------------------
# Media, quizzes, exercises


def _load_videos(reader: _Reader, md: ContentMarkdown, problems: list[Problem]) -> tuple[dict[str, Video], set[str]]:
    media_dir = reader.root / "media"
    videos: dict[str, Video] = {}
    files: set[str] = set()
    names: set[str] = set()
    for path in _yaml_files(media_dir):
        name = path.stem
        names.add(name)
        rel = reader.rel(path)
        text = reader.read(path)
        if text is None:
            continue
        data, found = load_yaml(text, rel)
        problems.extend(found)
        if found and data is None:
            continue
        media_problems = validate.check_media(data, rel, media_dir, name)
        problems.extend(media_problems)
        if any(p.is_error for p in media_problems):
            continue
        sources = tuple(
            (f"{name}.{ext}", mime) for ext, mime in VIDEO_TYPES if (media_dir / f"{name}.{ext}").is_file()
        )
        captions = f"{name}.nl.vtt"
        transcript_name = f"{name}.transcript.md"
        transcript = reader.read(media_dir / transcript_name) or ""
        reader.read(media_dir / captions)  # part of the video's version
        poster = next((f"{name}.{kind}" for kind in POSTER_TYPES if (media_dir / f"{name}.{kind}").is_file()), None)
        version = _sha((n, reader.data.get(f"media/{n}", b"")) for n in (path.name, captions, transcript_name))
        videos[name] = Video(
            name=name,
            title=str(data["title"]).strip(),
            duration=float(data["duration"]),
            description=str(data.get("description") or "").strip(),
            sources=sources,
            captions=captions,
            poster=poster,
            transcript_html=md.render_demoted(transcript, 1, id_prefix="tekst-"),
            version=version,
        )
        files.update(s for s, _ in sources)
        files.update({captions, transcript_name})
        if poster:
            files.add(poster)
    problems.extend(validate.check_media_without_metadata(media_dir, names))
    return videos, files


def _load_quizzes(reader: _Reader, md: ContentMarkdown, problems: list[Problem]) -> dict[str, Quiz]:
    quizzes: dict[str, Quiz] = {}
    for path in _yaml_files(reader.root / "quizzes"):
        rel = reader.rel(path)
        text = reader.read(path)
        if text is None:
            continue
        data, found = load_yaml(text, rel)
        problems.extend(found)
        if data is None and found:
            continue
        quiz_problems = validate.check_quiz_fields(data, rel)
        problems.extend(quiz_problems)
        if not isinstance(data, dict):
            continue
        raw_questions = data.get("questions") if isinstance(data.get("questions"), list) else []
        questions = []
        ids: list[tuple[str, int]] = []
        ok = not any(p.is_error for p in quiz_problems)
        for index, raw in enumerate(raw_questions):
            line = line_of(raw_questions, index)
            type_problems = validate.check_question_type(raw, rel, line)
            problems.extend(type_problems)
            if isinstance(raw, dict):
                ids.append((validate._text(raw.get("id")), line_of(raw, "id", line)))
            if type_problems:
                ok = False
                continue
            question, found = QUESTION_TYPES[raw["type"]].parse(raw, path=rel, line=line, markdown=md)
            problems.extend(found)
            if question is None:
                ok = False
            else:
                questions.append(question)
        duplicates = validate.check_duplicate_ids(ids, rel)
        problems.extend(duplicates)
        if not ok or duplicates:
            continue
        quiz = Quiz(
            name=path.stem,
            title=str(data["title"]).strip(),
            pass_mark=float(data.get("pass_mark", 0.7)),
            shuffle=bool(data.get("shuffle", True)),
            questions=tuple(questions),
            version=_sha([(rel, reader.data[rel])]),
            path=rel,
            draw=data.get("draw"),
        )
        bank_problems = keycheck.check_bank(quiz, line_of(data, "draw", 1))
        problems.extend(bank_problems)
        if any(p.is_error for p in bank_problems):
            continue
        problems.extend(keycheck.check_key_patterns(quiz))
        quizzes[path.stem] = quiz
    return quizzes


def _load_exercises(reader: _Reader, md: ContentMarkdown, problems: list[Problem]) -> dict[str, Exercise]:
    exercises: dict[str, Exercise] = {}
    for path in _yaml_files(reader.root / "modules" / "exercises"):
        rel = reader.rel(path)
        text = reader.read(path)
        if text is None:
            continue
        data, found = load_yaml(text, rel)
        problems.extend(found)
        if data is None and found:
            continue
        kind_problems = validate.check_exercise_kind(data, rel)
        problems.extend(kind_problems)
        if kind_problems:
            continue
        exercise, found = EXERCISE_KINDS[data["kind"]].parse(data, path=rel, line=1, markdown=md)
        problems.extend(found)
        if exercise is not None:
            exercises[path.stem] = replace(exercise, version=_sha([(rel, reader.data[rel])]))
    return exercises


# --------------------------------------------------------------------------------------------------------------------
# Modules


def _load_modules(
    reader: _Reader,
    md: ContentMarkdown,
    problems: list[Problem],
    quizzes: dict[str, Quiz],
    exercises: dict[str, Exercise],
    videos: dict[str, Video],
) -> tuple[list[Module], set[tuple[str, str]], dict[str, int], set[str]]:
    folder = reader.root / "modules"
    if not folder.is_dir():
        problems.append(Problem("modules", 0, "De map modules/ ontbreekt."))
        return [], set(), {}, set()
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".md")
    if not paths:
        problems.append(Problem("modules", 0, "Er staan geen modules in de map modules/ (bestanden NN-naam.md)."))
    metas: list[tuple[str, dict]] = []
    modules: list[Module] = []
    used: set[tuple[str, str]] = set()
    slug_lines: dict[str, int] = {}
    all_slugs: set[str] = set()
    for path in paths:
        rel = reader.rel(path)
        source = reader.read(path)
        if source is None:
            continue
        parsed = md.parse_module(source)
        if parsed.front_matter is None:
            if source.startswith("---"):
                problems.append(Problem(rel, 1, "De front matter is niet afgesloten: zet een regel met alleen "
                                                "'---' onder de laatste regel van de front matter."))
            else:
                problems.append(Problem(rel, 1, "Het bestand begint niet met front matter: zet bovenaan een blok "
                                                "tussen twee regels '---' met slug, title, order, minutes, summary "
                                                "en goals."))
            continue
        meta, found = load_yaml(parsed.front_matter, rel, line_offset=parsed.front_matter_line - 1)
        problems.extend(found)
        if meta is None and found:
            # Unreadable front matter: still count its quiz and exercise as used (no 'unused' noise).
            for key, name in re.findall(r"^(quiz|exercise):\s*['\"]?([\w.-]+)", parsed.front_matter, re.M):
                used.add((key, name[:-5] if name.endswith(".yaml") else name))
            continue
        meta_problems = validate.check_front_matter(meta, rel, parsed.front_matter_line)
        problems.extend(meta_problems)
        problems.extend(validate.check_body(parsed, rel))
        if not isinstance(meta, dict):
            continue
        metas.append((rel, meta))
        if isinstance(meta.get("slug"), str):
            all_slugs.add(meta["slug"])
        # Files that exist count as known even when they have errors of their own (reported there).
        problems.extend(validate.check_references(
            meta, rel,
            {p.stem for p in _yaml_files(reader.root / "quizzes")},
            {p.stem for p in _yaml_files(reader.root / "modules" / "exercises")},
            {p.stem for p in _yaml_files(reader.root / "media")},
        ))
        for key in ("quiz", "exercise"):
            name = meta.get(key)
            if isinstance(name, str):
                used.add((key, name[:-5] if name.endswith(".yaml") else name))
        if any(p.is_error for p in meta_problems):
            continue
        quiz = _lookup(quizzes, meta.get("quiz"))
        exercise = _lookup(exercises, meta.get("exercise"))
        video = _module_video(meta, videos)
        used_files = [rel]
        if quiz is not None:
            used_files.append(quiz.path)
        if exercise is not None:
            used_files.append(exercise.path)
        if video is not None and video.external_url is None:
            used_files.append(f"media/{video.name}.yaml")
        version = _sha((name, reader.data.get(name, b"")) for name in used_files)
        slug_lines[meta["slug"]] = line_of(meta, "slug")
        modules.append(Module(
            slug=meta["slug"],
            title=str(meta["title"]).strip(),
            order=meta["order"],
            minutes=meta["minutes"],
            summary=str(meta["summary"]).strip(),
            goals=tuple(str(g).strip() for g in meta["goals"]),
            pages=tuple(
                Page(number=n, title=page.title, anchor=page.anchor, html=page.html)
                for n, page in enumerate(parsed.pages, start=1)
            ),
            video=video,
            quiz=quiz,
            exercise=exercise,
            requires_review=bool(meta.get("requires_review", False)),
            version=version,
            path=rel,
        ))
    problems.extend(validate.check_modules_together(metas))
    modules.sort(key=lambda m: (m.order, m.slug))
    return modules, used, slug_lines, all_slugs


def _lookup(items: dict[str, Any], name: Any) -> Any:
    if not isinstance(name, str) or not name:
        return None
    return items.get(name[:-5] if name.endswith(".yaml") else name)


def _module_video(meta: dict, videos: dict[str, Video]) -> Video | None:
    name = meta.get("video")
    if not isinstance(name, str) or not name:
        return None
    if name.startswith("https://"):
        title = str(meta.get("video_title") or "").strip() or "Video op een externe website"
        return Video(name=name, title=title, duration=0.0, external_url=name, version=_sha([(name, b"")]))
    return videos.get(name)


# --------------------------------------------------------------------------------------------------------------------
# The course


def load_course(root: Path | str) -> tuple[Course, list[Problem]]:
    """Read, check and render the whole course below `root`; problems sorted by file and line."""
    root = Path(root).resolve()
    problems: list[Problem] = []
    reader = _Reader(root, problems)
    md = ContentMarkdown()
    videos, media_files = _load_videos(reader, md, problems)
    quizzes = _load_quizzes(reader, md, problems)
    exercises = _load_exercises(reader, md, problems)
    modules, used, slug_lines, all_slugs = _load_modules(reader, md, problems, quizzes, exercises, videos)
    paths = {f"quiz:{k}": v.path for k, v in quizzes.items()}
    paths.update({f"exercise:{k}": v.path for k, v in exercises.items()})
    problems.extend(validate.check_unused(used, quizzes, exercises, paths))
    problems.extend(check_carried(exercises, modules, {p.stem for p in _yaml_files(root / "modules" / "exercises")}))
    course = Course(
        title=COURSE_TITLE,
        modules=tuple(modules),
        quizzes=quizzes,
        exercises=exercises,
        videos=videos,
        version=_sha(sorted(reader.data.items())),
        media_dir=str(root / "media"),
        extra={
            "media_files": frozenset(media_files),
            "slug_lines": slug_lines,
            "all_slugs": frozenset(all_slugs),  # also of modules that failed to load: no false slug alarms
            "root": str(root),
        },
    )
    return course, sorted(set(problems))


__all__ = [
    "COURSE_TITLE",
    "ERROR",
    "load_course",
]
