"""The declared pipeline (`summarizer.extraction._steps.STEPS`) is the order `_classify.run`
applies its steps in, and the debug option prints it."""

from __future__ import annotations

import inspect
import io
import re

from summarizer.extraction import _classify
from summarizer.extraction._steps import STEPS, describe, pipe_names


def test_steps_are_declared_in_the_order_run_applies_them() -> None:
    body = inspect.getsource(_classify.run).split('"""')[-1]  # the code, not the docstring
    found = [re.search(rf"\b{s.function.__name__}\b", body) for s in STEPS]
    where = [m.start() if m else -1 for m in found]
    assert all(at >= 0 for at in where), dict(zip(pipe_names(), where, strict=True))
    assert where == sorted(where), dict(zip(pipe_names(), where, strict=True))


def test_every_step_says_what_it_reads_and_writes() -> None:
    assert len(set(pipe_names())) == len(STEPS)
    for step in STEPS:
        assert step.reads and step.writes and callable(step.function), step.name


def test_describe_prints_every_step_in_order() -> None:
    out = io.StringIO()
    describe(out)
    text = out.getvalue()
    assert [text.find(f". {n}") for n in pipe_names()] == sorted(text.find(f". {n}") for n in pipe_names())
    assert "person_kinds" in text and "[model]" in text
