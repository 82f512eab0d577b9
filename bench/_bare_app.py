"""A bare Flask app that returns a fixed HTML page: the baseline for the module page benchmark."""

import os
from pathlib import Path

from flask import Flask

HTML = Path(os.environ["EBW_BENCH_HTML"]).read_text("utf-8")
app = Flask(__name__)


@app.get("/modules/<slug>")
def page(slug: str):
    return HTML
