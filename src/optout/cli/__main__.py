"""Run the CLI as ``python -m optout.cli``."""

from optout.cli import main

main()
