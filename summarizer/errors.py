"""The error tree, and the only place where exit codes are defined.

The library raises these; only the CLI turns them into one line on stderr and an exit code
(`summarizer.cli._common`). A batch writes them into its JSONL as error records, with the same
exit code.

    SummarizerError                 (1)  base of every error raised on purpose
    ├── InputError                  (2)  the article could not be read: empty, binary, too large, bad URL
    ├── ConfigError                 (3)  unknown model, missing API key, bad option combination
    │   └── ModelNotInstalledError  (3)  a local model whose weights are not in the cache
    ├── ProviderError               (3)  the model server could not be reached or kept failing
    │   ├── ArticleTimeoutError     (3)  an article ran past --timeout-per-article (batch)
    │   └── ChecksumError           (3)  downloaded weights did not verify; nothing was kept
    ├── BudgetExceededError         (1)  a batch model call would have gone over --max-cost (not made)
    ├── CassetteError               (4)  a cassette file that is not a cassette (truncated, wrong shape)
    │   └── CassetteMissError       (4)  --offline and the request was not recorded
    ├── ExtractionError             (5)  the model answered, but no valid document could be made
    └── InternalError              (70)  an unexpected exception (a bug), recorded instead of raised

Exit codes of a run (documented in the README):
  0    success (EXIT_OK)
  1    partial failure: a batch in which some articles failed, an eval under --min-f1 (EXIT_PARTIAL)
  2-5  the SummarizerError's own code (above)
  70   internal error (EXIT_INTERNAL; SUMMARIZER_DEBUG=1 shows the traceback)
  130  interrupted by Ctrl-C (EXIT_INTERRUPTED)
"""

from __future__ import annotations

import traceback
from pathlib import Path

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class SummarizerError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = EXIT_PARTIAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and hint on one line. Writers (the CLI's `fail`, batch error records)
        pass it through the secrets scrubber (`summarizer.models.scrub_secrets`)."""
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


class ContextOverflowError(ProviderError):
    """The server refused a request longer than the model's context window: the same request
    can never succeed, so it is not retried; a caller may ask for fewer items at a time."""


class ModelNotInstalledError(ConfigError):
    """A local model was asked for whose weights are not in the cache."""


class ArticleTimeoutError(ProviderError):
    """An article took longer than the per-article timeout."""


class ChecksumError(ProviderError):
    """Fetched bytes did not assemble into the file the registry describes; nothing was kept."""


class BudgetExceededError(SummarizerError):
    """A model call would have taken the batch over --max-cost: it was not made."""

    exit_code = EXIT_PARTIAL


class CassetteError(SummarizerError):
    """A cassette file that cannot be replayed: not JSON, or not shaped like a cassette."""

    exit_code = 4


class CassetteMissError(CassetteError):
    """--offline was given and the request was not recorded."""


class ExtractionError(SummarizerError):
    """The model answered, but no valid output could be obtained within the re-ask budget."""

    exit_code = 5


class SummarizerWarning(UserWarning):
    """Something the run got past but the user should know (an answer's usage that is not a
    token count, a SUMMARIZER_TRACE that cannot be written): the library warns with it
    (`warnings.warn`) and also keeps it in the document's warnings; the CLI prints it as one
    `summarizer: warning:` line."""


class InternalError(SummarizerError):
    """An unexpected exception inside the pipeline (a bug), recorded instead of raised."""

    exit_code = EXIT_INTERNAL

    @classmethod
    def from_exception(cls, exc: BaseException) -> InternalError:
        """`unexpected KeyError at module.py:12: 'x'`: the exception and where it was raised."""
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        return cls(f"unexpected {type(exc).__name__}{where}: {exc}")
