"""Reading the pages of a module."""

from __future__ import annotations

from flask_babel import gettext as _

from ..cohorts.models import Enrollment
from ..content.course import Module
from ..core.errors import ValidationError
from . import events
from .models import PageRead
from .progress import refresh_enrollment_summary
from .storage import insert_ignore, lock_enrollment


def mark_page_read(enrollment: Enrollment, module: Module, number: int) -> bool:
    """Record that a page was read (once). Returns True the first time."""
    if not any(page.number == number for page in module.pages):
        raise ValidationError(_("Deze pagina bestaat niet in deze module."))
    lock_enrollment(enrollment)
    created = insert_ignore(PageRead, {"enrollment_id": enrollment.id, "module_slug": module.slug,
                                        "page_number": number, "content_version": module.version or "onbekend"})
    if created:
        events.page_read.send(enrollment, module=module, page=next(p for p in module.pages if p.number == number))
        refresh_enrollment_summary(enrollment, cause=f"Pagina {number} gelezen")
    return bool(created)
