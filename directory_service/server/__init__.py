"""The private slapd: its generated cn=config, access rules, plugin, state, TLS, loading, up.

``config`` writes cn=config (schema, indexes, limits, access rules, overlays); ``access_policy``
is the access matrix those rules implement; ``plugin`` builds the SLAPI guard (``guard.c``);
``slapd`` runs slapadd, slapcat and slapd; ``instance`` keeps an instance's state;
``loading`` makes the entries of a new instance; ``upgrade`` rebuilds older instances; ``up``
is ``govdir up``. May import every lower package; only the CLI and the offline import use it.
"""
