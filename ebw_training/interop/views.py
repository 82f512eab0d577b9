from flask import Blueprint

bp = Blueprint("interop", __name__)
