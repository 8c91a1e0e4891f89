"""Test-only entry point: `python -m tests.batch_runner BASE_URL [PRICE] -- summarizer args...`.

Registers the provider `fake/<model>` for an OpenAI-compatible fake server at BASE_URL (the
same spec as tests/conftest.py's fixture) and runs the real CLI app with the remaining
arguments, so tests can start, kill and interrupt a real `summarizer batch` process.
The library itself has no such hook.
"""

from __future__ import annotations

import signal
import sys

from summarizer.cli import app
from tests.fakeserver import register_fake_provider


def main(argv: list[str]) -> None:
    base_url = argv[0]
    sep = argv.index("--")
    price = float(argv[1]) if sep > 1 else 0.0

    register_fake_provider(base_url, price=price)
    # A process started in the background by a shell without job control inherits SIGINT
    # ignored, and Python keeps it so: the tests that interrupt a batch would then test nothing
    # (the batch runs to its end). Give SIGINT its usual meaning, as in a terminal.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    app(argv[sep + 1 :], prog_name="summarizer")


if __name__ == "__main__":
    main(sys.argv[1:])
