"""Unit pages and the browsable organisational tree."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("units", __name__)
