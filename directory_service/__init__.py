"""Core library of the national government email directory and the govdir CLI.

Packages by concern, each importing only those below it (import-linter checks it): ``cli``,
``importing``, ``server``, ``exports``, ``directory``, ``demo``, ``entries``, ``reference``,
then ``model`` and ``text``. Never imports Flask or ``web``.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "reference" / "data"
SCHEMA_DIR = PROJECT_ROOT / "schema"
LDIF_DIR = PROJECT_ROOT / "ldif"
