"""Import agency staff lists: read, check, match units, plan against the directory, apply.

The stages run one way, each in its own module or package, each importing only those below it:
``read`` (one reader per format behind ``read_rows``), ``check`` (clean and normalise a row),
``units`` (match the unit a row names), ``plan`` (the changes against what the directory
holds), then ``apply`` through LDAP (``online``) or a slapadd load (``offline``), with ``report``
writing what was refused or flagged. ``rows`` and ``messages`` hold what the stages pass on.

This module is the importer's public face: the CLI uses these names and no others.
"""

from directory_service.importing.offline import OfflineImportError, run_offline_import
from directory_service.importing.online import run_import
from directory_service.importing.outcome import ImportOutcome, UnknownTargetError
from directory_service.importing.read import ImportFormatError, read_rows

__all__ = [
    "ImportFormatError",
    "ImportOutcome",
    "OfflineImportError",
    "UnknownTargetError",
    "read_rows",
    "run_import",
    "run_offline_import",
]
