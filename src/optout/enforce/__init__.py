"""Enforcement: verify, purge and lineage of datasets against the registry."""
