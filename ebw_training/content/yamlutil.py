"""YAML with line numbers, so every problem can point at the line an author has to change."""

from __future__ import annotations

from typing import Any

import yaml

from .problems import Problem

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping that remembers where it and each of its keys start (1-based lines)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any, default: int | None = None) -> int:
        """The line of `key`, else of the mapping itself."""
        lines = getattr(self, "key_lines", {})
        return lines.get(key, default if default is not None else self.line)


class LineList(list):
    """A sequence that remembers where each item starts."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader whose mappings and sequences carry their line numbers."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[Any, int]] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
            ) from None
        if key in result:
            loader.duplicate_keys.append((key, key_node.start_mark.line + 1))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

# The usual YAML mistakes, in words an author understands: (part of YAML's message, explanation).
_EXPLAINED = [
    ("mapping values are not allowed", "hier staat een dubbele punt (:) die YAML niet verwacht. Staat er een "
                                       "dubbele punt in een tekst? Zet de hele tekst dan tussen aanhalingstekens, "
                                       "of gebruik 'veld: |' met de tekst ingesprongen op de regels eronder"),
    ("found a tab character", "er staat een tab; spring in met spaties"),
    ("found character '\\t'", "er staat een tab; spring in met spaties"),
    ("found character that cannot start any token", "een tekst begint met een teken dat YAML niet toestaat "
                                                    "(zoals @, ` of %); zet de tekst tussen aanhalingstekens"),
    ("found undefined alias", "een tekst begint met *; zet de tekst tussen aanhalingstekens"),
    ("found unexpected end of stream", "het bestand houdt op terwijl een aanhalingsteken nog open staat"),
    ("did not find expected ',' or ']'", "een lijst tussen [ ] wordt niet gesloten, of een tekst erin heeft "
                                         "een komma; zet die tekst tussen aanhalingstekens"),
    ("did not find expected ',' or '}'", "een blok tussen { } wordt niet gesloten, of een tekst erin heeft een "
                                         "komma; zet die tekst tussen aanhalingstekens"),
    ("did not find expected key", "deze regel springt anders in dan de regels erboven; controleer het inspringen"),
    ("could not find expected ':'", "deze regel is geen 'naam: waarde'; controleer het inspringen of de dubbele "
                                    "punt"),
    ("expected <block end>", "deze regel springt anders in dan de regels erboven; controleer het inspringen"),
    ("did not find expected '-' indicator", "een lijst gaat verder zonder '- ' aan het begin van de regel; "
                                            "controleer het inspringen"),
    ("found unhashable key", "een sleutel (het deel vóór de dubbele punt) moet een gewone tekst zijn"),
]


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, list[Problem]]:
    """Parse YAML; syntax errors become problems with the line they occur on.

    `line_offset` is added to every line (front matter starts below the opening ``---``).
    """
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark is not None else 1) + line_offset
        detail = error.problem or str(error.context or "onbekende fout")
        explained = next((text for key, text in _EXPLAINED if key in detail), "")
        if explained:
            message = f"YAML-fout: {explained}. (YAML meldt: {detail})"
        else:
            message = f"YAML-fout: {detail}."
        return None, [Problem(path, line, message)]
    except yaml.YAMLError as error:  # reader errors (bad characters) have no problem_mark
        return None, [Problem(path, 1 + line_offset, f"YAML-fout: {error}")]
    finally:
        loader.dispose()
    problems = [
        Problem(path, line + line_offset, f"De sleutel '{key}' staat twee keer in hetzelfde blok; de tweede telt.")
        for key, line in loader.duplicate_keys
    ]
    if line_offset:
        _shift_lines(data, line_offset)
    return data, problems


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, LineList):
        data.line += offset
        data.item_lines = [v + offset for v in data.item_lines]
        for value in data:
            _shift_lines(value, offset)


def line_of(data: Any, key: Any = None, default: int = 1) -> int:
    """Line of `key` in `data` (or of `data` itself) when `data` came from load_yaml."""
    if isinstance(data, LineDict):
        return data.line_of(key) if key is not None else data.line
    if isinstance(data, LineList):
        return data.line_of(key) if isinstance(key, int) else data.line
    return default
