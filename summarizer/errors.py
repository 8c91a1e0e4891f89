"""The error tree. The library raises these; only the CLI turns them into messages and exit codes.

Exit codes (documented in the README):
  0  success
  1  partial failure (a batch in which some articles failed; an eval under --min-f1)
  2  bad input (InputError)
  3  provider or configuration problem (ProviderError, ConfigError, ModelNotInstalledError)
  4  offline replay miss (CassetteMissError)
  5  the model answered, but no valid document could be made (ExtractionError)
"""

from __future__ import annotations


class SummarizerError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = self.message if not self.hint else f"{self.message} (hint: {self.hint})"
        return " ".join(text.split())


class InputError(SummarizerError):
    """The article could not be read: empty, binary, missing, too large, not a file, bad URL."""

    exit_code = 2


class ConfigError(SummarizerError):
    """Unknown model, missing API key, bad option combination."""

    exit_code = 3


class ProviderError(SummarizerError):
    """The model server could not be reached or kept failing after retries."""

    exit_code = 3


class ModelNotInstalledError(ConfigError):
    """A local model was asked for whose weights are not in the cache."""


class CassetteMissError(SummarizerError):
    """--offline was given and the request was not recorded."""

    exit_code = 4


class ExtractionError(SummarizerError):
    """The model answered, but no valid output could be obtained within the re-ask budget."""

    exit_code = 5
