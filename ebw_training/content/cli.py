"""Commands of this package, added to the `ebw` group by ebw_training.cli."""

from flask.cli import AppGroup


def register(group: AppGroup) -> None:
    return None
