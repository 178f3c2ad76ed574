"""Matching the unit named in a row to a unit code, and the units a list brings that are new.

Unit keys and aliases (old names) are reference data: ``reference.unit_keys``, ``unit_aliases``.

Imports ``importing.check`` (cell cleaning) and the lower packages.
"""
