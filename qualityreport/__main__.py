"""`python -m qualityreport`: the command line."""

from .cli import main

main()
