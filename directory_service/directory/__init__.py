"""Reading the directory over LDAP: connection settings, reads, search, unit trees, writes.

``settings`` says how to reach a directory (GOVDIR_* variables or a data directory);
``store.Directory`` holds a connection per thread and reads people and units; ``search`` turns a
query into filters and ranks the people found; ``unit_words`` matches unit names in queries;
``unit_names`` reads the units a query names (a unit, the places above it, abbreviations);
``units`` caches the unit tree and people counts; ``transactions`` groups writes (RFC 5805).
Imports ``text``, ``model``, ``reference`` and ``entries``; never ``server``.
"""
