"""The one error type for bad input that a person can fix."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input; the Dutch message is meant for the user and `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
