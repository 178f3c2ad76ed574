"""Reference data: administrative units, central agencies and mail domains, titles, the tree.

Pinned snapshots in ``data/`` (keyed by stable codes, with their source and date) and the
functions that read them: ``admin_units`` (provinces and communes, both structures and the
mapping between them), ``agencies`` (ministries and their units, mail domains), ``tree`` (the
national tree of units built from both), ``positions`` (titles and their rank order),
``unit_keys`` and ``unit_aliases`` (the names agencies write for units: abbreviations, short
and old names) and ``mail_providers`` (personal mail services). Imports only ``text`` and ``model``.
"""
