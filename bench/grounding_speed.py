"""How fast a quote is found in a long article (`summarizer.text.find_span`): the four ways it
can go (exact, normalized, fuzzy, not found) on a 15,000-character article and a 300-character
quote, best of N runs each, and once on a fresh article (nothing cached). Target: each under
50 ms on the project's two-core machine. The test suite checks what is found
(`tests/text/test_grounding.py`); the time is measured here, never in a test.

    python bench/grounding_speed.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from summarizer.text import find_span

VOCAB = str.split(
    "the of and in to a said forces troops killed wounded shelling drone strike region city "
    "village ministry defence officials according governor reported attack missile civilians "
    "soldiers near front line artillery positions brigade regiment Monday Tuesday overnight at "
    "least dozens claimed independently verified statement military intelligence offensive"
)


def article(n_chars: int, seed: int) -> str:
    """A text of `n_chars` characters of conflict-news words, numbers and punctuation."""
    rng = random.Random(seed)
    words: list[str] = []
    size = 0
    while size < n_chars:
        w = rng.choice(VOCAB)
        if rng.random() < 0.05:
            w = f"{rng.randint(2, 9999):,}"
        if rng.random() < 0.07:
            w += rng.choice([".", ",", ";", ".\n\n"])
        words.append(w)
        size += len(w) + 1
    return " ".join(words)[:n_chars]


def best_ms(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = article(15_000, seed=7)
    start = text.index(" ", 9000) + 1
    quote = text[start : start + 300].rsplit(" ", 1)[0]
    words = quote.split()
    words[3], words[17] = "zzyzx", "qwerty"
    del words[30]
    cases = {
        "exact": quote,
        "normalized": quote.upper().replace(" ", "  "),
        "fuzzy": " ".join(words),
        "not found": " ".join(random.Random(3).choice(["alpha", "beta", "the", "of"]) for _ in range(50)),
    }
    print(f"find_span on a {len(text):,}-character article, a {len(quote)}-character quote, best of {args.repeat}:")
    for name, q in cases.items():
        found = find_span(text, q)
        ms = best_ms(lambda q=q: find_span(text, q), args.repeat)
        print(f"  {name:<10} {ms:7.2f} ms  ({found.method if found else 'none'})")
    fresh = article(15_000, seed=8)
    fq = " ".join(fresh[6000:6300].split()[1:-1]).replace(" ", " x ", 1)
    t0 = time.perf_counter()
    found = find_span(fresh, fq)
    ms = (time.perf_counter() - t0) * 1000
    print(f"  fresh      {ms:7.2f} ms  ({found.method if found else 'none'}, nothing cached)")


if __name__ == "__main__":
    main()
