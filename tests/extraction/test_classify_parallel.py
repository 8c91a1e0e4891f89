"""brief-v4 with a server that has parallel slots: the independent passes (sides, figures) run
while the events pass is asked, and the requests and the result are those of a serial run."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from summarizer.config import Settings
from summarizer.extraction import _prompts as prompts
from summarizer.extraction._classify import Classifier, run
from summarizer.extraction._compose import compose
from summarizer.inputs import from_text
from summarizer.models import ModelClient, Usage, resolve
from tests.conftest import article_text
from tests.fakeserver import Delay, FakeModelServer, Responder, labeller

ARTICLE = "EN_UA_026036.txt"


def _slow(responder: Responder, seconds: float) -> Responder:
    return lambda request: Delay(seconds, responder(request))


def _classify(server: FakeModelServer, settings: Settings, pool: ThreadPoolExecutor | None) -> tuple[Any, Usage]:
    text = article_text(ARTICLE)
    article = from_text(text, id=ARTICLE, origin="file")
    spec = resolve("fake/v4", settings)
    client = ModelClient(spec, server.base_url, settings)
    usage = Usage()
    passes = Classifier(client, article, prompts.load("brief-v4"), usage)
    passes.pool = pool
    try:
        found = run(passes, text, text, [(0, len(text))], 0)
    finally:
        client.close()
    return compose(text, found), usage


def _bodies(server: FakeModelServer) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in server.requests)


def test_parallel_passes_send_the_same_requests_and_give_the_same_brief(
    fake_model: Callable[[Responder], FakeModelServer], fast_settings: Settings
) -> None:
    serial_server = fake_model(_slow(labeller(), 0.3))
    serial, serial_usage = _classify(serial_server, fast_settings, None)
    parallel_server = fake_model(_slow(labeller(), 0.3))
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel, parallel_usage = _classify(parallel_server, fast_settings, pool)
    times = parallel_server.request_times
    assert _bodies(parallel_server) == _bodies(serial_server)
    assert len(serial_server.requests) >= 3  # names, sides or figures, events
    assert parallel == serial
    assert parallel_usage.calls == serial_usage.calls == len(serial_server.requests)
    assert parallel_usage.prompt_tokens == serial_usage.prompt_tokens
    # sides, figures and events were in flight at once: a request arrived while another was
    # still being answered (each answer takes 0.3 s), which one at a time never happens; a
    # fact of order, not a wall-clock bound, so a loaded machine cannot fail it
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    serial_gaps = [b - a for a, b in zip(serial_server.request_times, serial_server.request_times[1:], strict=False)]
    assert min(serial_gaps) >= 0.3
    assert min(gaps) < 0.3


def test_without_a_pool_the_passes_keep_their_order(
    fake_model: Callable[[Responder], FakeModelServer], fast_settings: Settings
) -> None:
    seen: list[str] = []
    inner = labeller()

    def respond(request: dict[str, Any]) -> Any:
        seen.append(str(request["response_format"]["schema"]["title"]))
        time.sleep(0.01)
        return inner(request)

    server = fake_model(respond)
    _classify(server, fast_settings, None)
    assert seen == ["EntityLabels", "SideLabels", "EventLabels", "FigureLabels"]  # as before pools existed
