"""One small SELECT that runs on nearly every request, on a pooled DBAPI connection.

SQLAlchemy compiles the statement once per database engine: its SQL in the driver's parameter style, the
parameter order and each column's result processor (SQLite keeps dates as text, for instance). Running
it then uses `engine.raw_connection()` (a connection from the same pool, reset the same way when it is
given back) and the driver's cursor, and skips SQLAlchemy's Connection and Result layers. On the learner's
cached pages those layers cost several times the query itself (`python -m bench module_page`).

Use it only for a read of a few columns that is run very often; everything else uses the ORM session. It
bypasses SQLAlchemy's engine events, so SQL echo, query counters and tracing do not see it.
"""

from __future__ import annotations

import threading
import weakref
from collections import namedtuple
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select


class _Prepared:
    def __init__(self, statement: Select, engine: Engine):
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        if dialect.paramstyle not in ("qmark", "pyformat", "named") or compiled.post_compile_params \
                or compiled.literal_execute_params:
            raise ValueError("RawSelect runs plain statements only (no IN lists or values rendered at execution)")
        self.compiled = compiled
        self.sql = compiled.string
        self.positional = compiled.positional
        self.order = list(compiled.positiontup or ())
        self.bind_processors = {
            name: processor for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self.result_processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                                  for column in statement.selected_columns]
        self.row = namedtuple("Row", [column.key for column in statement.selected_columns])

    def parameters(self, values: dict[str, Any]):
        params = self.compiled.construct_params(values)
        for name, processor in self.bind_processors.items():
            if name in params:
                params[name] = processor(params[name])
        return tuple(params[name] for name in self.order) if self.positional else params

    def convert(self, found):
        return self.row(*(value if processor is None else processor(value)
                          for processor, value in zip(self.result_processors, found, strict=True)))


class RawSelect:
    def __init__(self, statement: Select):
        self.statement = statement
        self._prepared: weakref.WeakKeyDictionary[Engine, _Prepared] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def _for(self, engine: Engine) -> _Prepared:
        prepared = self._prepared.get(engine)
        if prepared is None:
            with self._lock:
                prepared = self._prepared.setdefault(engine, _Prepared(self.statement, engine))
        return prepared

    def first(self, engine: Engine, **values: Any):
        """The first row (a named tuple, values converted as SQLAlchemy would), or None."""
        prepared = self._for(engine)
        parameters = prepared.parameters(values)
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(prepared.sql, parameters)
                found = cursor.fetchone()
            finally:
                cursor.close()
        except engine.dialect.loaded_dbapi.Error:
            connection.invalidate()  # a connection in an unknown state never goes back to the pool
            raise
        finally:
            connection.close()
        return None if found is None else prepared.convert(found)
