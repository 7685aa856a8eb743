"""`python -m biopark` runs the CLI."""

from biopark.cli import main

if __name__ == "__main__":
    main()
