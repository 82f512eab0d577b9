"""A module page for a logged-in learner vs a bare Flask app returning the same HTML (gunicorn + wrk).

Target (DESIGN.md section 8): the real page reaches at least half the requests per second of the
bare app, with the same number of gunicorn workers, measured in one run on one machine.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("EBW_BENCH_WORKERS", "2"))
DURATION = os.environ.get("EBW_BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("EBW_BENCH_CONNECTIONS", "16")
USER_AGENT = "ebw-bench"
SLUG = "wat-is-ebw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:  # not up yet
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def gunicorn(app_spec: str, port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def wrk(url: str, page_bytes: int, cookie: str | None = None) -> float:
    """Requests per second; fails unless every answer was the page (a redirect to the login page is 3xx, which wrk
    counts as success, so the bytes read per request are checked against the page's size too)."""
    cmd = ["wrk", "-t", "2", "-c", CONNECTIONS, "-d", DURATION, "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"wrk saw error responses:\n{out}")
    count, size, unit = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", out).groups()
    per_request = float(size) * UNITS[unit] / int(count)
    if per_request < page_bytes:
        raise RuntimeError(f"answers of {per_request:.0f} bytes on average, the page has {page_bytes}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def login(base: str, email: str, password: str) -> tuple[str, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    html = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=data)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    page = opener.open(f"{base}/modules/{SLUG}").read().decode()
    return cookie, page


def main() -> dict:
    if shutil.which("wrk") is None:
        print("   skipped: wrk is not installed (apt-get install wrk)")
        return {"skipped": "wrk missing"}
    from ebw_training.demo import DEMO_PASSWORD

    with tempfile.TemporaryDirectory(prefix="ebw-bench-") as tmp:
        env = {**os.environ, "SECRET_KEY": "bench-" + "x" * 40, "SESSION_COOKIE_SECURE": "0",
               "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite", "PYTHONPATH": str(ROOT)}
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run(flask + ["ebw", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)

        port = free_port()
        real = gunicorn("wsgi:app", port, env)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/healthz")
            cookie, html = login(base, "deelnemer@ebw.example.nl", DEMO_PASSWORD)
            assert "<h1" in html and "Inloggen" not in html.split("<main", 1)[1][:500], "not logged in"
            real_rps = wrk(f"{base}/modules/{SLUG}", len(html.encode()), cookie)
        finally:
            real.send_signal(signal.SIGTERM)
            real.wait(timeout=20)

        html_path = Path(tmp) / "page.html"
        html_path.write_text(html, "utf-8")
        port = free_port()
        bare = gunicorn("bench._bare_app:app", port, {**env, "EBW_BENCH_HTML": str(html_path)})
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/modules/{SLUG}")
            bare_rps = wrk(f"{base}/modules/{SLUG}", len(html.encode()))
        finally:
            bare.send_signal(signal.SIGTERM)
            bare.wait(timeout=20)

    ratio = real_rps / bare_rps
    print(f"   module page (logged-in learner): {real_rps:,.0f} req/s; bare Flask, same HTML: {bare_rps:,.0f} req/s")
    print(f"   ratio {ratio:.2f} (target >= 0.50) with {WORKERS} gunicorn workers, wrk {CONNECTIONS} connections {DURATION}")
    return {"real_rps": real_rps, "bare_rps": bare_rps, "ratio": ratio, "target": 0.5, "workers": WORKERS}
