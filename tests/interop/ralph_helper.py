"""Run with the Python of Ralph's own virtualenv (its dependencies must not meet ours).

    python ralph_helper.py serve PORT     start Ralph's LRS on 127.0.0.1:PORT with the file store
    python ralph_helper.py validate       read a JSON list of statements on stdin, print the matching Ralph model
                                          name for each (or "invalid: ...")

`serve` reads RALPH_TEST_USER / RALPH_TEST_PASSWORD and the RALPH_* settings from the environment, writes the auth
file, and applies the workaround for the file store of ralph-malph 5.1.0 (every POST after the first answered 500
because the store was opened in create mode; the verb/activity filters compared objects to strings).
"""

from __future__ import annotations

import json
import os
import sys


def serve(port: int) -> None:
    import bcrypt

    os.environ.setdefault("RALPH_RUNSERVER_BACKEND", "fs")
    with open(os.environ["RALPH_AUTH_FILE"], "w", encoding="utf-8") as out:
        json.dump([{
            "username": os.environ["RALPH_TEST_USER"],
            "hash": bcrypt.hashpw(os.environ["RALPH_TEST_PASSWORD"].encode(), bcrypt.gensalt(4)).decode(),
            "scopes": ["statements/write", "statements/read"],
            "agent": {"objectType": "Agent", "mbox": "mailto:lrs@ebw-leeromgeving.nl"},
        }], out)

    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    for name in ("_add_filter_by_verb", "_add_filter_by_activity"):
        original = getattr(FSLRSBackend, name, None)
        if original is not None:
            def patched(filters, value, *rest, _original=original):
                return _original(filters, str(value) if value is not None else None, *rest)
            setattr(FSLRSBackend, name, staticmethod(patched))

    import uvicorn

    uvicorn.run("ralph.api:app", host="127.0.0.1", port=port, log_level="warning")


def validate() -> None:
    from ralph.models.selector import ModelSelector
    from ralph.models.validator import Validator

    validator = Validator(ModelSelector("ralph.models.xapi"))
    out = []
    for statement in json.load(sys.stdin):
        try:
            out.append(type(validator.get_first_valid_model(statement)).__name__)
        except Exception as error:  # noqa: BLE001 - report any refusal as text
            out.append(f"invalid: {error}"[:2000])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        validate()
