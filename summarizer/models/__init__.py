"""Talking to models.

_registry    `provider/model` strings resolved to a `ModelSpec` (openai, ollama, llamacpp, local)
_pricing     the one cost implementation (price table, cost, the batch estimate)
_transport   the transport retry layer (timeouts, 429/Retry-After, 5xx) under the client
_limits      a deadline per call (not per read) and a size cap on answers; the fetch deadline
_client      `ModelClient`: one schema-constrained call, validation re-asks, token usage
_grammar     a compact answer grammar (GBNF, no whitespace) for llama-server
_cassettes   offline replay and recording of model calls (vcrpy)
_secrets     the one secrets scrubber used by every writer
_http        the HTTP library the openai client is built on (httpx2 or httpx)
"""

from summarizer.models._cassettes import (
    Recordable,
    canonical_body,
    cassette_miss_hint,
    cassette_path,
    is_recorded,
    model_slug,
    recorded_articles,
    recorded_dates,
    use_cassette,
)
from summarizer.models._client import MAX_TOKENS_PER_ANSWER, ModelClient, Usage, token_count
from summarizer.models._http import httpx
from summarizer.models._limits import (
    MAX_RESPONSE_BYTES,
    BoundedTransport,
    ResponseTooLarge,
    bounded_http_transport,
    deadline,
)
from summarizer.models._pricing import PRICES, Price, cost_usd, estimate_cost, model_price, price_for, price_of
from summarizer.models._registry import ModelSpec, providers, register, resolve, unregister
from summarizer.models._secrets import (
    SCRUB_QUERY_PARAMETERS,
    SCRUB_REQUEST_HEADERS,
    SCRUB_RESPONSE_HEADERS,
    SECRET_PATTERNS,
    redact_url,
    register_secret,
    scrub_bytes,
    scrub_secrets,
)
from summarizer.models._transport import RetryTransport, retry_after_seconds

__all__ = [
    "MAX_TOKENS_PER_ANSWER",
    "MAX_RESPONSE_BYTES",
    "PRICES",
    "SCRUB_QUERY_PARAMETERS",
    "SCRUB_REQUEST_HEADERS",
    "SCRUB_RESPONSE_HEADERS",
    "SECRET_PATTERNS",
    "BoundedTransport",
    "ModelClient",
    "ModelSpec",
    "Price",
    "Recordable",
    "ResponseTooLarge",
    "RetryTransport",
    "Usage",
    "bounded_http_transport",
    "canonical_body",
    "cassette_miss_hint",
    "cassette_path",
    "cost_usd",
    "deadline",
    "estimate_cost",
    "httpx",
    "is_recorded",
    "model_price",
    "model_slug",
    "price_for",
    "price_of",
    "providers",
    "recorded_articles",
    "recorded_dates",
    "redact_url",
    "register",
    "register_secret",
    "resolve",
    "retry_after_seconds",
    "scrub_bytes",
    "scrub_secrets",
    "token_count",
    "unregister",
    "use_cassette",
]
