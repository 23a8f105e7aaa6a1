"""Policy: the TOML file that says what may be used, validated, with its defaults."""

from optout.policy.policy import PII_TYPES, TRAINABLE_KINDS, Policy, load_policy, policy_toml

__all__ = ["PII_TYPES", "TRAINABLE_KINDS", "Policy", "load_policy", "policy_toml"]
