"""The Groups page: one threshold (or one per group) seen group by group, with the gaps."""
