"""Helpers shared by the forms of every package."""

from __future__ import annotations

from flask_wtf import FlaskForm


def show_error(form: FlaskForm, error: Exception, fallback: str) -> None:
    """Put a service's ValidationError next to the field it names (or `fallback`), so the form shows it."""
    field = getattr(form, getattr(error, "field", None) or "", None) or getattr(form, fallback)
    field.errors = list(field.errors) + [str(error)]
