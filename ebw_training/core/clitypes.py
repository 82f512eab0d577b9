"""Click parameter types shared by the CLI commands."""

from __future__ import annotations

import os
import stat

import click

MAX_INPUT_BYTES = 20 * 1024 * 1024


class SafePath(click.Path):
    """A path without NUL characters, which no file name can hold (the operating system would raise)."""

    def convert(self, value, param, ctx):
        if "\x00" in os.fsdecode(value):
            self.fail("Deze bestandsnaam bevat een teken dat niet in een bestandsnaam kan (NUL).", param, ctx)
        return super().convert(value, param, ctx)


class OutputFile(SafePath):
    """A file to write: a path that is not a directory."""

    def __init__(self):
        super().__init__(dir_okay=False)


class InputFile(SafePath):
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
