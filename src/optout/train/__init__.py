"""Training-side helpers: the gate that refuses stale datasets."""
