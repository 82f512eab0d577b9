"""Problems found in the course files, reported as `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing a content author must fix (error) or should look at (warning).

    `path` is relative to the content folder (``quizzes/01-wat-is-ebw.yaml``) and `line` is 1-based
    (0 when the problem is not tied to a file line, such as a database check).
    """

    path: str
    line: int
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        prefix = "waarschuwing: " if self.severity == WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def summary_line(problems: list[Problem]) -> str:
    """The closing line of `ebw check-content` and of the start-up error."""
    n_errors = len(errors(problems))
    n_warnings = len(problems) - n_errors
    if not problems:
        return "De inhoud is in orde: geen fouten, geen waarschuwingen."
    error_word = "fout" if n_errors == 1 else "fouten"
    warning_word = "waarschuwing" if n_warnings == 1 else "waarschuwingen"
    return f"{n_errors} {error_word}, {n_warnings} {warning_word}."
