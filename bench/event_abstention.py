"""Events precision where the right answer is mostly "no event": the dataset's political,
diplomatic, opinion and propaganda articles (evals/datasets/articles/SOURCES.md), replayed
offline from the cassettes. A tool that reports every claim or threat as an event scores low
here however well it does on strike reports.

    python bench/event_abstention.py                       # the default model
    python bench/event_abstention.py --model local/qwen2.5-coder-0.5b
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATASET = ROOT / "evals" / "datasets" / "articles.jsonl"
# Few events, or claims rather than events (SOURCES.md): opinion and propaganda pieces, political
# and diplomatic stories.
ARTICLES = (
    "EN_UA_102990",  # opinion: who blew up the Kakhovka dam
    "EN_UA_DEV_27",  # propaganda
    "EN_UA_101805",  # opinion: causes of the invasion
    "EN_UA_004209",  # nuclear threats (claims)
    "EN_UA_015443",  # Western support in a US election year
    "EN_UA_100864",  # Zelensky at the UN
    "EN_UA_022016",  # Estonian PM on long-range missiles
    "EN_UA_020543",  # Israel declines a visit
    "EN_UA_024847",  # Polish FM on Nord Stream
    "EN_UA_028103",  # reported plot, Kremlin denial
    "EN_UA_029053",  # a colonel's opinion on the Kursk operation
)


def main() -> int:
    from summarizer.config import DEFAULT_MODEL, Settings
    from summarizer.evaluation import load_dataset, run_eval

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "subset.jsonl"
        subset.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows if r["id"] in ARTICLES), encoding="utf-8"
        )
        result = run_eval(load_dataset(subset), [args.model], Settings(offline=True), resamples=200)
    events = result.runs[0].aggregate.fields["events"]
    print(
        f"{args.model}: events on {len(ARTICLES)} political, opinion and propaganda articles: "
        f"precision {events.precision:.2f}, recall {events.recall:.2f}, F1 {events.f1:.2f} "
        f"(TP {events.tp}, FP {events.fp}, FN {events.fn})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
