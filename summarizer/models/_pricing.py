"""Pricing: the one implementation of what a model call costs, in USD.

`PRICES` holds public list prices per 1M tokens (input, output); local models cost 0.
`cost_usd` is the formula every caller uses (batch accounting, the eval's aggregate),
`price_for` the price of a resolved model, `model_price` the price of a `provider/model`
string from the table alone, and `estimate_cost` the conservative cost of an article before
anything was measured (the batch budget).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summarizer.models._registry import ModelSpec

Price = tuple[float, float]
"""USD per 1M tokens: (input, output)."""

ESTIMATED_COMPLETION_TOKENS_PER_CALL = 400

# USD per 1M tokens (input, output): public list prices; extend as needed. Local models cost 0.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
}


def price_of(model_id: str) -> tuple[float, float] | None:
    """The list price of an OpenAI model id; dated snapshots ("gpt-4o-mini-2024-07-18") cost
    what their family costs. None when unknown."""
    price = PRICES.get(model_id)
    if price is None:
        for name in sorted(PRICES, key=len, reverse=True):
            if model_id.startswith(name + "-"):
                return PRICES[name]
    return price


def price_for(spec: ModelSpec) -> Price | None:
    """The price of a resolved model: 0 when it runs locally, else its spec's (None: unknown)."""
    return (0.0, 0.0) if spec.local else spec.price_per_mtok


def model_price(model: str) -> Price | None:
    """The price of a `provider/model` string from the table alone: 0 for local models, the
    list price of an OpenAI model id (with or without "openai/"), else None."""
    if model.startswith("local/") or model == "local":
        return (0.0, 0.0)
    return price_of(model.split("/", 1)[1] if model.startswith("openai/") else model)


def cost_usd(price: Price | None, prompt_tokens: int, completion_tokens: int) -> float | None:
    """What `prompt_tokens` in and `completion_tokens` out cost at `price`; None when unknown."""
    if price is None:
        return None
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1e6


def estimate_cost(
    article_chars: int,
    price: Price | None,
    *,
    calls: int,
    chars_per_token: float,
    overhead_tokens: int,
    completion_tokens: int = ESTIMATED_COMPLETION_TOKENS_PER_CALL,
) -> float:
    """A conservative cost of one article before anything was measured: `calls` calls (one per
    pass of the prompt), each with the whole article, the prompt overhead and a typical
    structured answer of `completion_tokens`."""
    if price is None:
        return 0.0
    prompt = calls * (article_chars / chars_per_token + overhead_tokens)
    return (prompt * price[0] + calls * completion_tokens * price[1]) / 1e6
