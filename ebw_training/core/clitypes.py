"""Click parameter types shared by the CLI commands."""

from __future__ import annotations

import os
import stat

import click

MAX_INPUT_BYTES = 20 * 1024 * 1024


class InputFile(click.Path):
    """An existing regular file of reasonable size: not a directory, device or pipe (/dev/zero never ends)."""

    def __init__(self, max_bytes: int = MAX_INPUT_BYTES):
        super().__init__(exists=True, dir_okay=False)
        self.max_bytes = max_bytes

    def convert(self, value, param, ctx):
        path = super().convert(value, param, ctx)
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            self.fail(f"{click.format_filename(path)} is geen gewoon bestand.", param, ctx)
        if info.st_size > self.max_bytes:
            self.fail(f"{click.format_filename(path)} is groter dan {self.max_bytes // (1024 * 1024)} MB.", param, ctx)
        return path
