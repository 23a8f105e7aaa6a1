"""Run the CLI as ``python -m optout``."""

from optout.cli import main

main()
