"""Core library of the national government email directory: text, tree, store, search, CLI."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "reference" / "data"
SCHEMA_DIR = PROJECT_ROOT / "schema"
LDIF_DIR = PROJECT_ROOT / "ldif"
