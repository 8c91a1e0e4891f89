"""--max-cost across worker threads: a reservation per model call.

Each model call reserves its estimated cost before it is sent (under a lock) and settles with
its real cost (the usage the server reports) when it returns. A call that would take spent +
reserved over the budget is not made (`BudgetExceededError`, an error record of its article;
the batch then starts no new article). Until one call has been measured, calls go one at a
time; afterwards every estimate is scaled by the worst real/estimated ratio seen, and is at
least the dearest call seen, so a server that reports more tokens than expected is caught
after its first answer. `spent` is what was really spent (calls of unfinished articles too).
"""

from __future__ import annotations

import json
import threading

from summarizer.errors import BudgetExceededError
from summarizer.extraction import CHARS_PER_TOKEN
from summarizer.models import Price, cost_usd

DEFAULT_MAX_TOKENS = 4_096  # the completion budget assumed for a request that names none


class Budget:
    def __init__(self, max_cost: float, price: Price) -> None:
        self.max_cost = max_cost
        self.price = price
        self.spent = 0.0
        self.reserved = 0.0
        self.ratio = 1.0
        self.measured = 0
        self.in_flight = 0
        self.largest = 0.0  # the dearest call measured so far
        self.refused = 0
        self._cond = threading.Condition()

    def estimate(self, body: bytes) -> float:
        """An upper-leaning estimate of one call: the request's text as prompt tokens, and its
        max_tokens (else 4,096) as completion tokens."""
        try:
            max_tokens = int(json.loads(body).get("max_tokens") or DEFAULT_MAX_TOKENS)
        except (ValueError, AttributeError, TypeError):
            max_tokens = DEFAULT_MAX_TOKENS
        return cost_usd(self.price, int(len(body) / CHARS_PER_TOKEN), max_tokens) or 0.0

    def reserve(self, body: bytes) -> tuple[float, float]:
        """Reserve one call's cost; (unscaled estimate, reserved). Raises BudgetExceededError."""
        base = self.estimate(body)
        with self._cond:
            while not self.measured and self.in_flight:  # calibrate on the first answer
                self._cond.wait(0.5)
            cost = max(base * self.ratio, self.largest)
            if self.spent + self.reserved + cost > self.max_cost:
                self.refused += 1
                raise BudgetExceededError(
                    f"--max-cost {self.max_cost:g} USD: the next call (about {cost:.4f} USD) would exceed it "
                    f"(spent {self.spent:.4f} USD, {self.reserved:.4f} USD reserved by calls in flight)",
                    hint="rerun with a higher --max-cost to finish",
                )
            self.reserved += cost
            self.in_flight += 1
        return base, cost

    def settle(self, base: float, reserved: float, prompt_tokens: int, completion_tokens: int) -> None:
        """The call is over: release its reservation and count what it really cost."""
        real = cost_usd(self.price, prompt_tokens, completion_tokens) or 0.0
        with self._cond:
            self.reserved -= reserved
            self.in_flight -= 1
            self.spent += real
            self.largest = max(self.largest, real)
            if real > 0 and base > 0:
                self.measured += 1
                self.ratio = max(self.ratio, real / base)
            self._cond.notify_all()
