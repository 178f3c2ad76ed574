"""Checking one row: cleaning cells, splitting and checking addresses, normalising names.

Imports ``importing.rows``, ``importing.messages``, ``importing.read`` and the lower packages.
"""
