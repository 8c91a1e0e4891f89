"""The scoring rules of CONTRACT.md §2, case by case, with hand-computed expectations."""

from __future__ import annotations

import itertools
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.evaluation._article_score import ArticleScore
from summarizer.evaluation._matching import match_field, max_weight_matching, name_edge, numbers_compatible, prf
from summarizer.evaluation._scoring import score_article
from summarizer.evaluation._statistics import aggregate, bootstrap_ci, cost_usd, macro_f1, paired_differences

TEXT = "Wagner fighters attacked Bakhmut on Monday. At least 8 civilians were killed."


def actor(name: str, kind: str = "armed_group", side: str | None = None, **kw: Any) -> dict:
    return {"name": name, "aliases": kw.pop("aliases", []), "kind": kind, "side": side, **kw}


def loc(name: str, kind: str = "settlement", **kw: Any) -> dict:
    return {"name": name, "aliases": kw.pop("aliases", []), "kind": kind, **kw}


def cas(kind: str, count: int | None = None, low: int | None = None, high: int | None = None, **kw: Any) -> dict:
    return {"kind": kind, "count": count, "low": low, "high": high, **kw}


def record(**gold: list[dict]) -> dict:
    g: dict[str, list[dict]] = {"actors": [], "locations": [], "events": [], "casualties": []}
    g.update(gold)
    return {"id": "a1", "text": TEXT, "published": None, "source": None, "gold": g}


def doc(**fields: Any) -> dict:
    d: dict[str, Any] = {
        "schema_version": "1",
        "article": {"id": "a1", "sha256": "x", "chars": len(TEXT)},
        "summary": "",
        "actors": [],
        "locations": [],
        "events": [],
        "casualties": [],
        "provenance": {
            "model": "m",
            "prompt_version": "p",
            "schema_hash": "h",
            "calls": 3,
            "retries": 0,
            "prompt_tokens": 100,
            "completion_tokens": 20,
            "latency_s": 1.5,
        },
    }
    d.update(fields)
    return d


def counts(score: ArticleScore, name: str) -> tuple[int, int, int]:
    fs = score.fields[name]
    return fs.tp, fs.fp, fs.fn


# ---------------------------------------------------------------------------- names


def test_alias_of_gold_matches() -> None:
    gold = record(actors=[actor("Wagner Group", aliases=["PMC Wagner"])])
    s = score_article(doc(actors=[actor("PMC Wagner")]), gold)
    assert counts(s, "actors") == (1, 0, 0)


def test_alias_of_prediction_matches() -> None:
    gold = record(actors=[actor("Yevgeny Prigozhin", kind="person")])
    pred = actor("Wagner chief", kind="person", aliases=["Prigozhin"])
    s = score_article(doc(actors=[pred]), gold)
    assert counts(s, "actors") == (1, 0, 0)


def test_token_subset_matches_but_generic_words_are_refused() -> None:
    gold = record(
        actors=[actor("Russian Armed Forces", kind="armed_forces")],
        locations=[loc("Bakhmut")],
    )
    pred = doc(
        actors=[actor("Russian forces", kind="armed_forces")],  # only generic words: refused
        locations=[{"id": "l1", "name": "the city of Bakhmut", "kind": "settlement"}],
    )
    s = score_article(pred, gold)
    assert counts(s, "actors") == (0, 1, 1)
    assert counts(s, "locations") == (1, 0, 0)


def test_diacritics_case_and_leading_the() -> None:
    assert name_edge({"name": "the KYIV"}, {"name": "Kyïv"}) == 3


# ---------------------------------------------------------------------------- one-to-one


def test_each_gold_item_is_used_once() -> None:
    gold = record(actors=[actor("Wagner Group")])
    s = score_article(doc(actors=[actor("Wagner"), actor("Wagner Group")]), gold)
    assert counts(s, "actors") == (1, 1, 0)
    # the exact name is the one paired; the other is the false positive
    assert s.fields["actors"].hits == [(1, 0)]


def test_matching_is_maximal_not_greedy() -> None:
    # "Prigozhin" could match either gold item; taking Yevgeny for it greedily would leave
    # the second prediction (which only matches Yevgeny) unmatched.
    gold = [actor("Yevgeny Prigozhin", kind="person"), actor("Pavel Prigozhin", kind="person")]
    pred = [actor("Prigozhin", kind="person"), actor("Yevgeny Prigozhin", kind="person")]
    fs = match_field(pred, gold, name_edge)
    assert (fs.tp, fs.fp, fs.fn) == (2, 0, 0)
    assert sorted(fs.hits) == [(0, 1), (1, 0)]


# ---------------------------------------------------------------------------- optional


def test_optional_items_neither_hit_nor_false_positive() -> None:
    gold = record(actors=[actor("Wagner Group"), actor("Kremlin", "government", optional=True)])
    s = score_article(doc(actors=[actor("Wagner"), actor("the Kremlin", "government")]), gold)
    assert counts(s, "actors") == (1, 0, 0)
    assert s.fields["actors"].optional_hits == [(1, 1)]


def test_missing_optional_costs_nothing() -> None:
    gold = record(actors=[actor("Wagner Group"), actor("Kremlin", optional=True)])
    s = score_article(doc(actors=[actor("Wagner")]), gold)
    assert counts(s, "actors") == (1, 0, 0)
    assert s.fields["actors"].f1 == 1.0


def test_required_match_preferred_over_optional() -> None:
    # "Prigozhin" matches both; it must go to the required one.
    gold = [actor("Yevgeny Prigozhin", optional=True), actor("Prigozhin Group")]
    fs = match_field([actor("Prigozhin")], gold, name_edge)
    assert (fs.tp, fs.fp, fs.fn) == (1, 0, 0)


def test_second_match_on_same_optional_item_is_a_false_positive() -> None:
    gold = [actor("Kremlin", optional=True)]
    fs = match_field([actor("Kremlin"), actor("the Kremlin")], gold, name_edge)
    assert (fs.tp, fs.fp, fs.fn) == (0, 1, 0)


# ---------------------------------------------------------------------------- casualties


def test_casualty_number_compatibility() -> None:
    at_least_8 = cas("killed", low=8)
    assert numbers_compatible(cas("killed", count=8), at_least_8)
    assert numbers_compatible(cas("killed", count=10), at_least_8)
    assert not numbers_compatible(cas("killed", count=5), at_least_8)
    up_to_40k = cas("killed", high=40000)
    assert numbers_compatible(cas("killed", count=40000), up_to_40k)
    assert not numbers_compatible(cas("killed", count=40001), up_to_40k)
    r = cas("killed", low=30000, high=40000)
    assert numbers_compatible(cas("killed", low=35000, high=50000), r)  # overlap
    assert numbers_compatible(cas("killed", low=40000, high=50000), r)  # touching ends
    assert not numbers_compatible(cas("killed", low=40001, high=50000), r)
    assert numbers_compatible(cas("killed", count=12), cas("killed", count=12))
    assert not numbers_compatible(cas("killed", count=12), cas("killed", count=13))
    # no number at all: only with no number at all
    assert numbers_compatible(cas("killed"), cas("killed"))
    assert not numbers_compatible(cas("killed"), cas("killed", count=3))


def test_casualty_kind_must_be_equal() -> None:
    gold = record(casualties=[cas("killed", low=8, affected="civilians")])
    s = score_article(doc(casualties=[cas("wounded", count=8, affected="civilians")]), gold)
    assert counts(s, "casualties") == (0, 1, 1)
    s = score_article(doc(casualties=[cas("killed", count=9, affected="civilians")]), gold)
    assert counts(s, "casualties") == (1, 0, 0)


def test_casualty_attributes() -> None:
    gold = record(
        casualties=[
            cas("killed", count=8, affected="civilians", claimed_by=None),
            cas("wounded", count=3, affected="Ukraine", claimed_by="Russian Defence Ministry"),
        ]
    )
    pred = doc(
        casualties=[
            cas("killed", count=8, affected="Civilians", claimed_by=None),  # both right
            cas("wounded", count=3, affected="Russia", claimed_by="Defence Ministry"),  # 0 / 1
        ]
    )
    s = score_article(pred, gold)
    assert counts(s, "casualties") == (2, 0, 0)
    assert (s.attributes["casualty_affected"].correct, s.attributes["casualty_affected"].total) == (1, 2)
    assert s.attributes["casualty_claimed_by"].correct == 2


def test_a_party_is_known_by_its_actors_aliases() -> None:
    """`affected` and `claimed_by` name a party: the gold actor's alias or the predicted actor's
    alias is the same party; a name no actor carries is compared as it is."""
    gold = record(
        actors=[actor("Ruritania", "state", aliases=["Strelsau"]), actor("Black Hand", aliases=["BH"])],
        casualties=[cas("killed", count=8, affected="Ruritania", claimed_by="Black Hand")],
    )
    pred = doc(
        actors=[actor("Strelsau", "state"), actor("the Hand", aliases=["BH"])],
        casualties=[cas("killed", count=8, affected="Strelsau", claimed_by="the Hand")],
    )
    s = score_article(pred, gold)
    assert s.attributes["casualty_affected"].correct == 1
    assert s.attributes["casualty_claimed_by"].correct == 1
    stranger = doc(
        actors=[actor("Zenda Guard")],
        casualties=[cas("killed", count=8, affected="Borduria", claimed_by="Zenda Guard")],
    )
    s = score_article(stranger, gold)
    assert s.attributes["casualty_affected"].correct == 0  # no alias ties Borduria to Ruritania
    assert s.attributes["casualty_claimed_by"].correct == 0  # the Zenda Guard has no name of the Black Hand


def test_role_fillers_match_by_their_actors_aliases() -> None:
    """A role filler that is one of the document's actors carries that actor's names; one actor
    named two ways in two events is one participant."""
    gold = record(
        actors=[actor("Ruritania", "state", aliases=["Strelsau"])],
        events=[
            {"type": "battle", "locations": [], "by": ["Ruritania"]},
            {"type": "battle", "locations": [], "by": ["Strelsau"], "optional": True},
        ],
    )
    ev = {"type": "battle", "locations": [], "by": [{"name": "Strelsau", "actor_id": "a1", "mentions": []}]}
    pred = doc(actors=[actor("Strelsau", "state", id="a1")], events=[ev])
    by = score_article(pred, gold).roles["by"]
    assert (by.tp, by.fp, by.fn) == (1, 0, 0)
    ev["by"] = [{"name": "Borduria", "actor_id": None, "mentions": []}]
    by = score_article(doc(events=[ev]), gold).roles["by"]
    assert (by.tp, by.fp, by.fn) == (0, 1, 1)


def test_a_matched_events_roles_are_an_attribute_marked_wrong_when_they_differ() -> None:
    """Issue 20: a matched event with the wrong participants is a wrong attribute, not a plain
    hit; the roles the gold states are compared one to one, by the actors' names."""
    from summarizer.evaluation._outcomes import item_outcomes

    gold = record(
        actors=[actor("Ruritania", "state", aliases=["Strelsau"])],
        events=[{"type": "battle", "locations": [], "by": ["Ruritania"], "against": ["rebels"]}],
    )
    right = {"type": "battle", "location_ids": [], "by": [{"name": "Strelsau"}], "against": [{"name": "rebels"}]}
    s = score_article(doc(actors=[actor("Strelsau", "state")], events=[right]), gold)
    assert (s.attributes["event_roles"].correct, s.attributes["event_roles"].total) == (1, 1)
    wrong = {**right, "against": []}
    pred = doc(actors=[actor("Strelsau", "state")], events=[wrong])
    s = score_article(pred, gold)
    assert (s.attributes["event_roles"].correct, s.attributes["event_roles"].total) == (0, 1)
    [row] = item_outcomes(pred, gold, s)["events"]
    assert row.outcome == "wrong" and row.wrong_text() == "event roles: against —, gold against rebels"
    no_roles = record(events=[{"type": "battle", "locations": []}])  # a gold without roles: not scored
    assert score_article(doc(events=[wrong]), no_roles).attributes["event_roles"].total == 0


# ---------------------------------------------------------------------------- events


def test_event_matches_through_matched_location() -> None:
    gold = record(
        locations=[loc("Bakhmut"), loc("Soledar")],
        events=[{"type": "battle", "locations": ["Bakhmut"], "date": None}],
    )
    pred_locs = [
        {"id": "l1", "name": "Soledar", "kind": "settlement"},
        {"id": "l2", "name": "Bakhmut city", "kind": "settlement"},
    ]
    good = {"id": "e1", "type": "battle", "description": "", "location_ids": ["l2"]}
    wrong_place = {"id": "e2", "type": "battle", "description": "", "location_ids": ["l1"]}
    wrong_type = {"id": "e3", "type": "protest_riot", "description": "", "location_ids": ["l2"]}
    no_place = {"id": "e4", "type": "battle", "description": "", "location_ids": []}
    assert counts(score_article(doc(locations=pred_locs, events=[good]), gold), "events") == (1, 0, 0)
    for bad in (wrong_place, wrong_type, no_place):
        assert counts(score_article(doc(locations=pred_locs, events=[bad]), gold), "events") == (0, 1, 1)


def test_event_location_via_gold_alias() -> None:
    gold = record(
        locations=[loc("Artemivsk", aliases=["Bakhmut"])],
        events=[{"type": "battle", "locations": ["Bakhmut"], "date": None}],
    )
    pred = doc(
        locations=[{"id": "l1", "name": "Bakhmut", "kind": "settlement"}],
        events=[{"id": "e1", "type": "battle", "description": "", "location_ids": ["l1"]}],
    )
    assert counts(score_article(pred, gold), "events") == (1, 0, 0)


def test_events_without_locations_match() -> None:
    gold = record(events=[{"type": "strategic_development", "locations": [], "date": None}])
    pred = doc(events=[{"id": "e1", "type": "strategic_development", "description": "x", "location_ids": []}])
    assert counts(score_article(pred, gold), "events") == (1, 0, 0)


# ---------------------------------------------------------------------------- edges


def test_prf_edges() -> None:
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 2, 0) == (0.0, 0.0, 0.0)
    assert prf(0, 0, 3) == (0.0, 0.0, 0.0)
    p, r, f = prf(2, 1, 1)
    assert (p, r) == (2 / 3, 2 / 3) and math.isclose(f, 2 / 3)


def test_abstention_is_perfect_and_hallucination_is_not() -> None:
    gold = record(actors=[actor("Wagner")])
    s = score_article(doc(actors=[actor("Wagner")]), gold)
    assert s.fields["casualties"].f1 == 1.0
    assert s.macro_f1 == 1.0
    s = score_article(doc(actors=[actor("Wagner")], casualties=[cas("killed", count=3)]), gold)
    assert s.fields["casualties"].f1 == 0.0
    assert s.fields["casualties"].false_positive_labels == ["killed 3, affected: None, claimed by: None"]


def test_failure_misses_all_gold() -> None:
    gold = record(actors=[actor("Wagner"), actor("Kremlin", optional=True)], casualties=[cas("killed", low=8)])
    s = score_article(None, gold, model="m", error="boom", error_type="ExtractionError")
    assert s.failed and s.error == "boom"
    assert counts(s, "actors") == (0, 0, 1)
    assert counts(s, "casualties") == (0, 0, 1)
    assert s.macro_f1 == 0.0  # a failed article earns nothing, not even for empty fields
    assert not s.first_try_valid
    assert s.fields["actors"].miss_labels == ["Wagner (armed_group, side: None)"]


def test_actor_and_location_attributes() -> None:
    gold = record(
        actors=[
            actor("Wagner Group", side="Russia"),
            actor("Zelensky", "person", "Ukraine"),
            actor("Red Cross", "organization", None),
        ],
        locations=[loc("Donetsk Oblast", kind="region")],
    )
    pred = doc(
        actors=[
            actor("Wagner", side="RUSSIA"),  # kind ok, side ok (case-folded)
            actor("Zelensky", "government", None),  # kind wrong, side wrong
            actor("Red Cross", "organization", None),
        ],  # null == null
        locations=[{"id": "l1", "name": "Donetsk", "kind": "settlement"}],
    )
    s = score_article(pred, gold)
    assert s.attributes["actor_kind"].correct == 2 and s.attributes["actor_kind"].total == 3
    assert s.attributes["actor_side"].correct == 2
    assert s.attributes["location_kind"].accuracy == 0.0


def test_grounding_checked_against_gold_text() -> None:
    good = {"start": 0, "end": 6, "text": "Wagner"}
    wrong = {"start": 0, "end": 6, "text": "Wagnor"}
    out = {"start": 70, "end": 500, "text": "x"}
    pred = doc(
        actors=[{**actor("Wagner"), "mentions": [good, wrong]}],
        casualties=[{**cas("killed", low=8), "evidence": [out, {"start": 44, "end": 55, "text": TEXT[44:55]}]}],
    )
    s = score_article(pred, record())
    assert (s.spans_exact, s.spans_total) == (2, 4)
    assert s.grounding_rate == 0.5
    assert s.prompt_tokens == 100 and s.calls == 3 and s.latency_s == 1.5
    assert s.first_try_valid  # no flag in provenance, no retries
    assert s.text_matches is False


# ---------------------------------------------------------------------------- matching algorithm


def _brute_force(weights: list[list[int]]) -> int:
    n, m = len(weights), len(weights[0]) if weights else 0
    best = 0
    cols = list(range(m)) + [None] * n
    for perm in itertools.permutations(cols, n):
        total = sum(weights[i][j] for i, j in enumerate(perm) if j is not None)
        best = max(best, total)
    return best


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.integers(1, 4).flatmap(
            lambda m: st.lists(st.lists(st.integers(0, 9), min_size=m, max_size=m), min_size=n, max_size=n)
        )
    )
)
def test_hungarian_is_optimal(weights: list[list[int]]) -> None:
    pairs = max_weight_matching(weights)
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    assert all(weights[i][j] > 0 for i, j in pairs)
    assert sum(weights[i][j] for i, j in pairs) == _brute_force(weights)


# ---------------------------------------------------------------------------- aggregation


def _scores(f1s: list[tuple[int, int, int]], model: str = "m") -> list[ArticleScore]:
    out = []
    for k, (tp, fp, fn) in enumerate(f1s):
        gold = record(actors=[actor(f"Gold{k}{i}") for i in range(tp + fn)])
        gold["id"] = f"a{k}"
        preds = [actor(f"Gold{k}{i}") for i in range(tp)] + [actor(f"Made{i}") for i in range(fp)]
        out.append(score_article(doc(actors=preds), gold, model=model))
    return out


def test_aggregate_micro_sums() -> None:
    scores = _scores([(2, 0, 0), (0, 1, 2), (1, 1, 1)])
    agg = aggregate(scores, model="local/x", resamples=200)
    a = agg.fields["actors"]
    assert (a.tp, a.fp, a.fn) == (3, 2, 3)
    assert math.isclose(a.precision, 3 / 5) and math.isclose(a.recall, 3 / 6)
    # macro over articles: mean of 1.0, 0.0, 0.5
    assert math.isclose(a.f1_articles, 0.5)
    # the other fields are empty everywhere: abstention
    assert agg.fields["events"].f1 == 1.0
    assert math.isclose(agg.macro_f1, (a.f1 + 3) / 4)
    assert agg.prompt_tokens == 300 and agg.cost_usd == 0.0 and agg.failures == 0
    assert agg.first_try_valid == 1.0


def test_bootstrap_is_deterministic_and_contains_point() -> None:
    scores = _scores([(2, 0, 0), (0, 1, 2), (1, 1, 1), (3, 0, 1), (1, 0, 0), (2, 2, 0)])
    ci1 = bootstrap_ci(scores, macro_f1, seed=7)
    ci2 = bootstrap_ci(scores, macro_f1, seed=7)
    assert ci1 == ci2
    assert ci1[0] <= macro_f1(scores) <= ci1[1]
    assert ci1[0] < ci1[1]
    agg = aggregate(scores)
    for name, fa in agg.fields.items():
        assert fa.f1_ci[0] <= fa.f1 <= fa.f1_ci[1], name
    assert agg.macro_f1_ci[0] <= agg.macro_f1 <= agg.macro_f1_ci[1]


def test_paired_difference() -> None:
    a = _scores([(2, 0, 0), (0, 1, 2), (1, 1, 1), (3, 0, 1)], model="a")
    same = paired_differences(a, a, resamples=100)
    assert same["macro_f1"].diff == 0.0 and same["macro_f1"].ci == (0.0, 0.0)
    b = _scores([(2, 0, 0), (2, 0, 0), (2, 0, 0), (4, 0, 0)], model="b")
    d = paired_differences(a, b, baseline_model="a", model="b", resamples=300)
    assert d["actors"].diff > 0 and d["actors"].ci[0] <= d["actors"].diff <= d["actors"].ci[1]
    assert d["actors"].articles == 4
    assert math.isclose(d["macro_f1"].diff, macro_f1(b) - macro_f1(a))


def test_cost_table() -> None:
    assert cost_usd("local/qwen2.5-coder-1.5b", 10**6, 10**6) == 0.0
    assert cost_usd("gpt-4o-mini", 1_000_000, 1_000_000) == 0.75
    assert cost_usd("openai/gpt-4o-mini-2024-07-18", 2_000_000, 0) == 0.30
    assert cost_usd("mystery-model", 1, 1) is None


def test_location_admin1_is_scored_where_the_gold_has_one() -> None:
    gold = record(
        locations=[
            loc("Bakhmut", country="Ukraine", admin1="Donetsk"),
            loc("Izyum", country="Ukraine", admin1="Kharkiv"),
            loc("Kyiv", country="Ukraine"),  # no admin1 in the gold: not scored
        ]
    )
    pred = doc(
        locations=[
            {"id": "l1", "name": "Bakhmut", "kind": "settlement", "country": "Ukraine", "admin1": "Donetsk"},
            {"id": "l2", "name": "Izyum", "kind": "settlement", "country": "Ukraine", "admin1": "Donetsk"},
            {"id": "l3", "name": "Kyiv", "kind": "settlement", "country": "Ukraine"},
        ]
    )
    s = score_article(pred, gold)
    assert (s.attributes["location_admin1"].correct, s.attributes["location_admin1"].total) == (1, 2)
    assert s.attributes["location_country"].accuracy == 1.0
