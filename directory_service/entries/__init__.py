"""Units and people as LDAP entries and LDIF records.

``attributes`` defines once which attributes a person entry carries and how each is derived;
``build`` turns units and people into entries (``TreeIndex``); ``records`` writes the same
people as LDIF bytes for slapadd; ``ldif_text`` writes LDIF lines and chunks. Imports only
``text``, ``model`` and ``reference``.
"""
