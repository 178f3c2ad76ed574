"""The 2025 reorganisation: turn a directory holding the legacy tree into the 2025 tree.

``mapping`` reads and checks the legacy -> 2025 commune mapping; ``plan`` decides where every
legacy unit goes and what each 2025 unit keeps of its predecessors (former codes and names);
``rewrite`` turns a slapcat dump into the 2025 directory, and the audit log's to match,
record by record; ``report`` writes
the XLSX of what moved where; ``run`` dumps, rewrites and reloads a stopped instance. May
import server and every lower package; only the CLI uses it.
"""

from directory_service.reorganising.plan import AlreadyReorganised, ReorganiseError
from directory_service.reorganising.run import Outcome, reorganise

__all__ = ["AlreadyReorganised", "Outcome", "ReorganiseError", "reorganise"]
