"""Every page type, as every role, passes the Nu HTML Checker (vnu.jar) without errors.

The pages are fetched with the test client on real data (tests/site_pages.py) and checked in one run of the
checker. Without Java or vnu.jar the test is skipped with the reason, unless EBW_REQUIRE_BROWSER=1 (CI).
`.ci/run` installs both; locally: `npm install --prefix .cache/vnu vnu-jar` and `apt-get install default-jre-headless`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import g

from ebw_training.extensions import db

from .site_pages import ACCOUNTS, build_site, page_urls

ROOT = Path(__file__).resolve().parent.parent
VNU_CANDIDATES = [
    os.environ.get("EBW_VNU_JAR", ""),
    str(ROOT / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"),
    str(ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"),
]
PASSWORD = "Demo-wachtwoord-2026"


def _checker() -> list[str]:
    java = shutil.which("java")
    jar = next((c for c in VNU_CANDIDATES if c and Path(c).is_file()), None)
    if java and jar:
        return [java, "-Xss8m", "-jar", jar]
    reason = (f"Nu HTML Checker not available (java: {java or 'missing'}, vnu.jar: {jar or 'missing'}); "
              "install default-jre-headless and `npm install --prefix .cache/vnu vnu-jar`")
    if os.environ.get("EBW_REQUIRE_BROWSER") == "1":
        pytest.fail("EBW_REQUIRE_BROWSER=1 but " + reason)
    pytest.skip(reason)


def _file_name(role: str, url: str, method: str = "get") -> str:
    return f"{role}--{method}--" + (re.sub(r"[^A-Za-z0-9]+", "_", url).strip("_") or "home") + ".html"


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _token(html: str) -> str | None:
    match = TOKEN.search(html)
    return next(g for g in match.groups() if g) if match else None


def _fetch_all(app, site, out: Path) -> dict[str, str]:
    """Write every HTML page to `out`; return {file name: 'ROLE METHOD URL (status)'}.

    CSRF protection is on while fetching, so the pages carry their real hidden token fields."""
    written: dict[str, str] = {}
    problems = []
    for role in ["anonymous", *ACCOUNTS]:
        client = app.test_client()
        g.pop("csrf_token", None)  # the test's app context is shared by the requests; so is flask-wtf's cache
        token = _token(client.get("/login").get_data(as_text=True))
        if role != "anonymous":
            response = client.post("/login", data={"email": ACCOUNTS[role], "password": PASSWORD, "csrf_token": token})
            assert response.status_code == 302, f"login as {role} failed"
            token = None
        requests = [("get", url, None) for url in page_urls(app, site, role)]
        requests += [("post", url, data) for url, data in site.posts.get(role, [])]
        for method, url, data in requests:
            if data is not None:
                data = {**data, "csrf_token": token}
            g.pop("csrf_token", None)
            response = client.open(url, method=method.upper(), data=data)
            if response.status_code >= 500:
                problems.append(f"{method.upper()} {url} as {role}: {response.status_code}")
            if not response.mimetype == "text/html" or response.status_code in (301, 302, 303):
                response.close()  # a download that is not read: close its stream (and any database cursor)
                continue
            token = token or _token(response.get_data(as_text=True))
            name = _file_name(role, url, method)
            (out / name).write_bytes(response.get_data())
            written[name] = f"{role} {method.upper()} {url} ({response.status_code})"
    assert not problems, "\n".join(problems)
    return written


def test_every_page_is_valid_html(app, app_ctx, tmp_path):
    command = _checker()
    site = build_site(app)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        written = _fetch_all(app, site, tmp_path)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.remove()
    assert len(written) > 80, f"only {len(written)} pages fetched"
    kinds = {label.split(" ")[2].split("/")[1] for label in written.values()}
    assert {"modules", "admin", "trainer", "coordinator", "login"} <= kinds, kinds
    files = sorted(str(tmp_path / name) for name in written)
    result = subprocess.run(command + ["--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=600, check=False)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    by_message: dict[str, list[str]] = {}
    for message in errors:
        name = Path(message.get("url", "")).name
        by_message.setdefault(message.get("message", "?"), []).append(
            f"{written.get(name, name)} line {message.get('lastLine')}: {message.get('extract', '').strip()[:120]!r}")
    report = [f"{text} ({len(where)}x)\n    " + "\n    ".join(where[:3]) for text, where in by_message.items()]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(report)
