"""Policy: the TOML file that says what may be used, validated, with its defaults."""
