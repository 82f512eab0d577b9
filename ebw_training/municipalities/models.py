from __future__ import annotations

from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Municipality(db.Model):
    """A Dutch municipality by CBS code (GM + 4 digits). Retired codes stay, with an end date."""

    __tablename__ = "municipality"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    province: Mapped[str] = mapped_column(String(60))
    ended_on: Mapped[date | None] = mapped_column(default=None)

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"
