"""Matching the unit named in a row to a unit code: keys, aliases of old names, new units.

Imports ``importing.check`` (cell cleaning) and the lower packages.
"""
