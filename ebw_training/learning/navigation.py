"""Step navigation inside a module and the words and links for "what is left"."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from ..content.course import Module


def part_label(part: str, number: int | None = None) -> str:
    """What to do next, as the learner reads it in the overview and the "what is left" list."""
    if part == "video":
        return _("Bekijk de video")
    if part in ("pages", "page"):
        return _("Lees pagina %(n)s", n=number or 1)
    if part == "quiz":
        return _("Haal de toets")
    if part == "exercise":
        return _("Maak de oefening en lever haar in")
    if part == "review":
        return _("Wacht op de beoordeling van je oefening")
    return _("Begin met deze module")


def part_url(module: Module, part: str, number: int | None = None) -> str:
    if part == "video":
        return url_for("learning.video", slug=module.slug)
    if part in ("pages", "page"):
        return url_for("learning.page", slug=module.slug, number=number or 1)
    if part == "quiz":
        return url_for("learning.quiz", slug=module.slug)
    if part in ("exercise", "review"):
        return url_for("learning.exercise", slug=module.slug)
    return url_for("learning.module", slug=module.slug)


def module_steps(module: Module) -> list[tuple[str, int | None, str]]:
    """The parts of a module in reading order: (part, page number, title)."""
    steps: list[tuple[str, int | None, str]] = [("module", None, _("Leerdoelen"))]
    if module.video is not None:
        steps.append(("video", None, _("Video")))
    for page in module.pages:
        steps.append(("page", page.number, page.title))
    if module.quiz is not None:
        steps.append(("quiz", None, _("Toets")))
    if module.exercise is not None:
        steps.append(("exercise", None, _("Oefening")))
    return steps


def step_links(module: Module, part: str, number: int | None = None) -> dict[str, dict | None]:
    """Previous and next step of a module, for the navigation at the bottom of each part."""
    steps = module_steps(module)
    index = next(i for i, (p, n, _t) in enumerate(steps) if p == part and n == number)

    def link(i: int) -> dict | None:
        if not 0 <= i < len(steps):
            return None
        p, n, title = steps[i]
        return {"url": part_url(module, p, n), "title": title}

    return {"previous": link(index - 1), "next": link(index + 1)}
