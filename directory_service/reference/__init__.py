"""Reference data: administrative units, central agencies and mail domains, titles, the tree.

Pinned snapshots in ``data/`` (keyed by stable codes, with their source and date) and the
functions that read them: ``admin_units`` (provinces and communes, both structures and the
mapping between them), ``agencies`` (ministries and their units, mail domains), ``tree`` (the
national tree of units built from both), ``positions`` (titles and their rank order) and
``mail_providers`` (personal mail services). Imports only ``text`` and ``model``.
"""
