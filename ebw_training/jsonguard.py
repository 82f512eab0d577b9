"""A size and depth guard for JSON request bodies, run before anything parses them.

Python's JSON parser recurses once per nesting level: 100,000 nested brackets end in a RecursionError.
No endpoint of the platform expects more than a few levels, so deeper or larger bodies are refused first.
"""

from __future__ import annotations

import re

MAX_JSON_BYTES = 512 * 1024
MAX_JSON_DEPTH = 20

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays and objects nest deeper than `limit` (brackets inside strings do not count).

    Escapes, then strings, then everything but brackets are removed by regular expressions that run in
    linear time; only the brackets are walked one by one.
    """
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", _ESCAPE.sub(b"", body)))
    if len(brackets) <= limit:
        return False
    depth = 0
    for byte in brackets:
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def json_body_problem(content_length: int | None, read_body) -> str | None:
    """'size' or 'depth' when the body must be refused unparsed; None when it may be parsed."""
    if content_length is not None and content_length > MAX_JSON_BYTES:
        return "size"
    body = read_body()
    if len(body) > MAX_JSON_BYTES:
        return "size"
    return "depth" if too_deep(body) else None
