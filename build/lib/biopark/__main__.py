"""`python -m biopark` runs the CLI."""

from biopark.cli import main

main()
