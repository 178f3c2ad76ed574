"""What leaves the directory: spreadsheets (CSV, XLSX), vCards and LDIF of a unit's subtree.

Imports ``text``, ``model``, ``entries`` and ``directory``.
"""
