"""Synthetic people for the demo, tests and benchmarks: names and staff of every unit.

No real person's data: names are drawn from common Vietnamese family, middle and given names.
Imports ``text``, ``model`` and ``reference``.
"""
