"""Checks on the course files, in words a content author understands.

Every check returns Problems with the file (relative to the content folder) and the line to look
at. The question types and exercise kinds check their own rules (content/types.py); this module
checks files, front matter, quizzes as a whole, media, the references between them and the
database (module slugs that learners' records still refer to).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .course import Course
from .embed import external_embed
from .exercise_kinds import EXERCISE_KINDS
from .problems import ERROR, WARNING, Problem
from .types import QUESTION_TYPES
from .yamlutil import line_of

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MODULE_KEYS = {"slug", "title", "order", "minutes", "summary", "goals", "video", "video_title", "quiz",
               "exercise", "requires_review"}
QUIZ_KEYS = {"title", "pass_mark", "shuffle", "draw", "questions"}
MEDIA_KEYS = {"title", "duration", "description"}
EMBEDDABLE_HOSTS = ("youtube.com", "www.youtube.com", "youtu.be", "www.youtube-nocookie.com", "youtube-nocookie.com",
                    "vimeo.com", "player.vimeo.com")


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool | list | dict):
        return ""
    return str(value).strip()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unknown_keys(data: Mapping, known: set[str], path: str, what: str) -> list[Problem]:
    return [
        Problem(path, line_of(data, key), f"Onbekend veld '{key}' in {what} (bekend zijn: "
                                          f"{', '.join(sorted(known))}). Een tikfout?", WARNING)
        for key in data
        if key not in known
    ]


# --------------------------------------------------------------------------------------------------------------------
# Modules


def check_front_matter(meta: Any, path: str, line: int) -> list[Problem]:
    """The fields of one module's front matter (docs/content-format.md)."""
    if not isinstance(meta, Mapping):
        return [Problem(path, line, "De front matter moet velden bevatten zoals 'slug: wat-is-ebw' en "
                                    "'title: ...', elk op een eigen regel.")]
    problems: list[Problem] = []

    def report(key: str | None, message: str, severity: str = ERROR) -> None:
        at = line_of(meta, key) if key is not None and key in meta else line
        problems.append(Problem(path, at, message, severity))

    slug = meta.get("slug")
    if slug is None or _text(slug) == "":
        report(None, "Het veld 'slug' ontbreekt. De slug is de vaste naam van de module in adressen en in de "
                     "database, zoals 'wat-is-ebw'.")
    elif not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        report("slug", f"De slug '{slug}' mag alleen kleine letters, cijfers en losse streepjes bevatten, zoals "
                       "'wat-is-ebw'.")
    for key, label in (("title", "de titel"), ("summary", "de samenvatting voor het overzicht")):
        if key not in meta:
            report(None, f"Het veld '{key}' ({label}) ontbreekt.")
        elif not _text(meta.get(key)):
            report(key, f"Het veld '{key}' ({label}) moet een tekst zijn en mag niet leeg zijn.")
    order = meta.get("order")
    if order is None:
        report(None, "Het veld 'order' ontbreekt: de plaats van de module in de cursus, zoals 1.")
    elif not _is_int(order):
        report("order", f"'order' moet een geheel getal zijn, zoals 1 (nu: {order!r}).")
    minutes = meta.get("minutes")
    if minutes is None:
        report(None, "Het veld 'minutes' ontbreekt: de studiebelasting in minuten, zoals 60.")
    elif not _is_int(minutes) or minutes <= 0:
        report("minutes", f"'minutes' (studiebelasting in minuten) moet een positief geheel getal zijn, zoals 60 "
                          f"(nu: {minutes!r}).")
    goals = meta.get("goals")
    if goals is None:
        report(None, "Het veld 'goals' (leerdoelen) ontbreekt.")
    elif not isinstance(goals, list) or not goals:
        report("goals", "'goals' (leerdoelen) moet een lijst zijn met minstens één leerdoel, elk op een regel die "
                        "begint met '  - '.")
    else:
        for index, goal in enumerate(goals):
            if not _text(goal):
                problems.append(Problem(path, line_of(goals, index), f"Leerdoel {index + 1} is leeg of geen "
                                                                     "tekst."))
    for key in ("video", "quiz", "exercise", "video_title"):
        if key in meta and not isinstance(meta.get(key), str):
            report(key, f"'{key}' moet een naam zijn (een tekst), niet {meta.get(key)!r}.")
    if "requires_review" in meta and not isinstance(meta.get("requires_review"), bool):
        report("requires_review", "'requires_review' moet true of false zijn.")
    problems.extend(_unknown_keys(meta, MODULE_KEYS, path, "de front matter"))
    return problems


def check_modules_together(modules: Iterable[tuple[str, Mapping]]) -> list[Problem]:
    """Slugs and order numbers must be unique across the course."""
    problems: list[Problem] = []
    slugs: dict[str, str] = {}
    orders: dict[int, str] = {}
    for path, meta in modules:
        slug, order = meta.get("slug"), meta.get("order")
        if isinstance(slug, str) and slug:
            if slug in slugs:
                problems.append(Problem(path, line_of(meta, "slug"), f"De slug '{slug}' wordt ook gebruikt door "
                                        f"{slugs[slug]}. Elke module heeft een eigen slug nodig."))
            else:
                slugs[slug] = path
        if _is_int(order):
            if order in orders:
                problems.append(Problem(path, line_of(meta, "order"), f"order {order} wordt ook gebruikt door "
                                        f"{orders[order]}. Geef elke module een eigen plaats in de cursus."))
            else:
                orders[order] = path
    return problems


def check_references(
    meta: Mapping, path: str, quizzes: Iterable[str], exercises: Iterable[str], videos: Iterable[str]
) -> list[Problem]:
    """The quiz, exercise and video a module names must exist (the names of the files that are there)."""
    problems: list[Problem] = []
    for key, folder, names in (
        ("quiz", "quizzes", quizzes),
        ("exercise", "modules/exercises", exercises),
    ):
        name = meta.get(key)
        if isinstance(name, str) and name:
            stem = name[:-5] if name.endswith(".yaml") else name
            if stem not in names:
                known = ", ".join(sorted(names)) or "geen"
                what = "toets" if key == "quiz" else "oefening"
                problems.append(Problem(path, line_of(meta, key), f"Onbekende {what} '{name}': er is geen bestand "
                                        f"{folder}/{stem}.yaml (wel: {known})."))
    video = meta.get("video")
    if isinstance(video, str) and video:
        if video.startswith(("http://", "https://", "//")):
            if not video.startswith("https://"):
                problems.append(Problem(path, line_of(meta, "video"), "Een externe video moet een adres zijn dat "
                                                                      "begint met https://."))
            else:
                host = video.split("/", 3)[2].split(":")[0].lower()
                if host not in EMBEDDABLE_HOSTS:
                    problems.append(Problem(path, line_of(meta, "video"), f"De video staat op {host}. Alleen "
                                            "YouTube en Vimeo kunnen in de pagina worden getoond; andere video's "
                                            "krijgen alleen een link.", WARNING))
                elif external_embed(video) is None:
                    problems.append(Problem(path, line_of(meta, "video"), "In dit adres staat geen video die we in "
                                            "de pagina kunnen tonen (zoals https://www.youtube.com/watch?v=... of "
                                            "https://vimeo.com/123456); de deelnemer krijgt alleen een link.",
                                            WARNING))
        elif video not in videos:
            known = ", ".join(sorted(videos)) or "geen"
            problems.append(Problem(path, line_of(meta, "video"), f"Onbekende video '{video}': er is geen "
                                    f"media/{video}.yaml (wel: {known}). Gebruik de naam van een video in media/ "
                                    "of een https://-adres."))
    return problems


def check_unused(
    used: set[tuple[str, str]], quizzes: Mapping[str, Any], exercises: Mapping[str, Any], paths: Mapping[str, str]
) -> list[Problem]:
    """Quizzes and exercises that no module uses are probably a forgotten reference."""
    problems = []
    for kind, names, label in (("quiz", quizzes, "toets"), ("exercise", exercises, "oefening")):
        for name in sorted(names):
            if (kind, name) not in used:
                problems.append(Problem(paths.get(f"{kind}:{name}", name), 1, f"Deze {label} wordt door geen "
                                        f"module gebruikt (zet '{kind}: {name}' in de front matter van een module).",
                                        WARNING))
    return problems


def check_body(parsed, path: str) -> list[Problem]:
    """Lesson text that falls on no page, modules without pages, and Markdown that will not show as meant."""
    problems = []
    if parsed.text_before_first_page is not None:
        problems.append(Problem(path, parsed.text_before_first_page, "Er staat tekst vóór de eerste '## '-kop. Die "
                                "tekst komt op geen enkele pagina: zet er een '## '-kop boven of verplaats hem."))
    if not parsed.pages:
        problems.append(Problem(path, max(parsed.front_matter_line, 1), "De module heeft geen pagina's: begin "
                                "elke pagina met een kop '## Titel van de pagina'."))
    for page in parsed.pages:
        if page.empty:
            problems.append(Problem(path, page.line, f"De pagina '{page.title}' heeft geen tekst.", WARNING))
    for line, note in parsed.notes:
        problems.append(Problem(path, line, note, WARNING))
    return problems


# --------------------------------------------------------------------------------------------------------------------
# Quizzes


def check_quiz_fields(data: Any, path: str) -> list[Problem]:
    if not isinstance(data, Mapping):
        return [Problem(path, 1, "Een toets begint met 'title:', 'pass_mark:' en 'questions:' (elk op een eigen "
                                 "regel).")]
    problems = []
    if not _text(data.get("title")):
        problems.append(Problem(path, line_of(data, "title", 1), "De toets heeft geen titel (title)."))
    pass_mark = data.get("pass_mark", 0.7)
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int | float) or not 0 < pass_mark <= 1:
        problems.append(Problem(path, line_of(data, "pass_mark", 1), f"'pass_mark' is het deel van de vragen dat "
                                f"goed moet zijn, als getal tussen 0 en 1: 0.7 voor 70 % (nu: {pass_mark!r})."))
    if "shuffle" in data and not isinstance(data.get("shuffle"), bool):
        problems.append(Problem(path, line_of(data, "shuffle", 1), "'shuffle' moet true of false zijn."))
    draw = data.get("draw")
    if "draw" in data and (not _is_int(draw) or draw < 1):
        problems.append(Problem(path, line_of(data, "draw", 1), f"'draw' is het aantal vragen per poging, als "
                                f"heel getal van 1 of meer, zoals 'draw: 10' (nu: {draw!r})."))
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        problems.append(Problem(path, line_of(data, "questions", 1), "De toets heeft geen vragen (questions)."))
    problems.extend(_unknown_keys(data, QUIZ_KEYS, path, "de toets"))
    return problems


def check_question_type(raw: Any, path: str, line: int) -> list[Problem]:
    if not isinstance(raw, Mapping):
        return [Problem(path, line, "Schrijf een vraag als '- id: ...' met daaronder 'type:', 'prompt:' en "
                                    "'options:'.")]
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        who = f"Vraag '{_text(raw.get('id'))}'" if _text(raw.get("id")) else "Deze vraag"
        known = ", ".join(QUESTION_TYPES)
        if qtype is None:
            return [Problem(path, line, f"{who} heeft geen type. Kies {known}.")]
        return [Problem(path, line_of(raw, "type", line), f"{who}: onbekend vraagtype '{qtype}'. Kies {known}.")]
    return []


def check_duplicate_ids(questions: Iterable[tuple[str, int]], path: str) -> list[Problem]:
    """(id, line) pairs of one quiz."""
    seen: dict[str, int] = {}
    problems = []
    for qid, line in questions:
        if not qid:
            continue
        if qid in seen:
            problems.append(Problem(path, line, f"Vraag-id '{qid}' komt twee keer voor in deze toets (ook op regel "
                                                f"{seen[qid]}). Elke vraag heeft een eigen id nodig."))
        else:
            seen[qid] = line
    return problems


# --------------------------------------------------------------------------------------------------------------------
# Exercises


def check_exercise_kind(data: Any, path: str) -> list[Problem]:
    if not isinstance(data, Mapping):
        return [Problem(path, 1, "Een oefening begint met 'title:', 'kind:', 'instructions:' en 'items:'.")]
    kind = data.get("kind")
    known = " of ".join(EXERCISE_KINDS)
    if kind is None:
        return [Problem(path, 1, f"Het veld 'kind' ontbreekt: kies {known}.")]
    if kind not in EXERCISE_KINDS:
        return [Problem(path, line_of(data, "kind", 1), f"Onbekende soort oefening '{kind}': kies {known}.")]
    return []


# --------------------------------------------------------------------------------------------------------------------
# Media


def check_media(data: Any, path: str, media_dir: Path, name: str) -> list[Problem]:
    """A video needs its metadata, a video file, Dutch captions and a transcript."""
    if not isinstance(data, Mapping):
        return [Problem(path, 1, "Een mediabestand begint met 'title:', 'duration:' en 'description:'.")]
    problems = []
    if not _text(data.get("title")):
        problems.append(Problem(path, line_of(data, "title", 1), "De video heeft geen titel (title)."))
    duration = data.get("duration")
    if duration is None:
        problems.append(Problem(path, 1, "De lengte van de video (duration, in seconden) ontbreekt, zoals "
                                         "'duration: 184.2'."))
    elif isinstance(duration, bool) or not isinstance(duration, int | float) or duration <= 0:
        problems.append(Problem(path, line_of(data, "duration", 1), f"'duration' moet de lengte van de video in "
                                f"seconden zijn, een getal groter dan 0 (nu: {duration!r})."))
    if not any((media_dir / f"{name}.{ext}").is_file() for ext in ("webm", "mp4")):
        problems.append(Problem(path, 1, f"Er is geen videobestand: maak media/{name}.webm of media/{name}.mp4 "
                                         "(make media)."))
    captions = media_dir / f"{name}.nl.vtt"
    if not captions.is_file():
        problems.append(Problem(path, 1, f"De video heeft geen Nederlandse ondertitels: maak media/{name}.nl.vtt "
                                         "(WebVTT)."))
    else:
        head = captions.read_bytes()[:16].decode("utf-8", "replace").lstrip("\ufeff")
        if not head.startswith("WEBVTT"):
            problems.append(Problem(f"media/{name}.nl.vtt", 1, "Dit is geen WebVTT-bestand: de eerste regel moet "
                                                               "'WEBVTT' zijn."))
    if not (media_dir / f"{name}.transcript.md").is_file():
        problems.append(Problem(path, 1, f"De video heeft geen uitgeschreven tekst: maak "
                                         f"media/{name}.transcript.md."))
    problems.extend(_unknown_keys(data, MEDIA_KEYS, path, "de video"))
    return problems


def check_media_without_metadata(media_dir: Path, names: set[str]) -> list[Problem]:
    problems = []
    if not media_dir.is_dir():
        return problems
    for file in sorted(media_dir.iterdir()):
        if file.suffix in (".webm", ".mp4") and file.stem not in names:
            problems.append(Problem(f"media/{file.name}", 1, f"Bij deze video hoort geen media/{file.stem}.yaml "
                                    "met titel en lengte (duration); zonder dat bestand kan geen module hem "
                                    "gebruiken.", WARNING))
    return problems


# --------------------------------------------------------------------------------------------------------------------
# Database

LEARNING_TABLES = ("page_read", "quiz_attempt", "exercise_answer", "completion_event")


def check_database(course: Course, engine) -> list[Problem]:
    """Module slugs (and video names) that learners' records refer to but the course no longer has.

    A changed slug cuts learners off from their progress. Tables that do not exist are skipped; an
    unreachable database raises (content/startup.database_check reports that as 'not checked').
    """
    from sqlalchemy import inspect, text

    slugs = {m.slug for m in course.modules} | set(course.extra.get("all_slugs", ()))
    found: dict[str, dict[str, int]] = {}
    videos_found: dict[str, int] = {}
    seen: set[str] = set()
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        for table in LEARNING_TABLES:
            if table not in tables:
                continue
            rows = conn.execute(text(
                f"SELECT module_slug, COUNT(*) FROM {table} WHERE module_slug IS NOT NULL GROUP BY module_slug"  # nosec B608 # table from LEARNING_TABLES
            ))
            for slug, count in rows:
                seen.add(slug)
                if slug not in slugs:
                    found.setdefault(slug, {})[table] = int(count)
        if "video_progress" in tables:
            rows = conn.execute(text("SELECT video, COUNT(*) FROM video_progress GROUP BY video"))
            for video, count in rows:
                if video not in course.videos and not str(video).startswith(("http://", "https://")):
                    videos_found[video] = int(count)
    problems = []
    for slug in sorted(found):
        counts = ", ".join(f"{table}: {n}" for table, n in sorted(found[slug].items()))
        path, line = _likely_module_file(course, slug, seen)
        problems.append(Problem(path, line, f"De module met slug '{slug}' bestaat niet meer, maar in de database "
                                f"staan nog gegevens van deelnemers die ernaar verwijzen ({counts}). Is de slug "
                                f"veranderd? Zet dan 'slug: {slug}' terug: een slug mag niet veranderen zodra "
                                "deelnemers begonnen zijn."))
    for video in sorted(videos_found):
        problems.append(Problem("media", 0, f"De video '{video}' bestaat niet meer (geen media/{video}.yaml), maar "
                                f"{videos_found[video]} deelnemers hebben hem bekeken. Zet de video terug onder "
                                "dezelfde naam."))
    return problems


def _likely_module_file(course: Course, old_slug: str, seen: set[str]) -> tuple[str, int]:
    """The module file that most likely held the old slug: a module no record refers to yet whose slug or
    file name looks like the old slug; else the modules folder."""
    from difflib import SequenceMatcher

    candidates = [m for m in course.modules if m.slug not in seen and m.path]

    def likeness(module) -> float:
        return max(SequenceMatcher(None, old_slug, module.slug).ratio(),
                   SequenceMatcher(None, old_slug, stem(module)).ratio())

    def stem(module) -> str:
        return re.sub(r"^\d+[-_]", "", Path(module.path).stem)

    named = [m for m in candidates if len(stem(m)) >= 3 and (stem(m) in old_slug or old_slug in stem(m))]
    if len(named) == 1:
        return named[0].path, course.extra.get("slug_lines", {}).get(named[0].slug, 1)
    best = max(candidates, key=likeness, default=None)
    if best is not None and (likeness(best) >= 0.5 or len(candidates) == 1):
        return best.path, course.extra.get("slug_lines", {}).get(best.slug, 1)
    return "modules", 0
