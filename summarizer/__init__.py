"""summarizer: source-grounded structured briefs of conflict reporting.

The package is a library; `summarizer.cli` is the only module that knows about typer.
"""

__version__ = "0.1.0"
