"""Code's checks of a sentence the model called an event: decisive type words, and what is not
an incident reported as fact."""

from __future__ import annotations

import pytest

from summarizer import rules
from summarizer.text import dated, decided_by_words, not_reported_as_fact, second_type, settled_type


@pytest.mark.parametrize(
    ("sentence", "model", "expected"),
    [
        # strike words and no fighting on the ground: a strike, whatever "attack" made the model say
        (
            "Moscow launched 57 missiles and drones in the attack that also targeted Kyiv.",
            "battle",
            "explosion_remote_violence",
        ),
        (
            "Russian military launched a strong aerial assault on Ukraine on Tuesday.",
            "battle",
            "explosion_remote_violence",
        ),
        # fighting words only: a battle
        (
            "The General Staff said fighting was ongoing for the border town of Vovchansk.",
            "explosion_remote_violence",
            "battle",
        ),
        # kidnapping: violence against civilians
        ("Officials announced the kidnapping of the mayor on Sunday.", "battle", "violence_against_civilians"),
        # words of two types: the model's choice stands
        ("Russia pounded 30 villages after launching a ground offensive.", "battle", "battle"),
        # no decisive word: the model's choice stands
        ("The situation is complex, with Russian units mounting attacks.", "battle", "battle"),
        # "other" gives way to the type the words name
        ("A man was wounded in Izyum by detonating ammunition.", "other", "explosion_remote_violence"),
        # troops sent in to replace others: a deployment, not a battle because "troops" is written
        (
            "Russian airborne troops were sent in to replace these fighters, analysts have said.",
            "strategic_development",
            "strategic_development",
        ),
    ],
)
def test_settled_type(sentence: str, model: str, expected: str) -> None:
    assert settled_type(sentence, model) == expected


@pytest.fixture()
def every_rule_on():  # type: ignore[no-untyped-def]
    with rules.everything_on():
        yield


@pytest.mark.usefixtures("every_rule_on")  # event.second.strike is dropped after the model (rules/events.toml)
def test_second_type_only_when_both_actions_are_explicit() -> None:
    both = "Russia pounded over 30 villages in the Kharkiv region after launching a ground offensive."
    assert second_type(both, "battle") == "explosion_remote_violence"
    assert second_type(both, "explosion_remote_violence") == "battle"
    assert second_type("Missiles struck a power plant in Lviv.", "explosion_remote_violence") is None
    assert second_type("Troops advanced towards Lyptsi.", "battle") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Russian Plot To Assassinate CEO Of German Arms Giant Dismissed As 'Fake' By Kremlin",  # headline
        "The Kiev regime has committed countless false-flag atrocities, shelling hospitals.",  # habitual
        "The plant has come under constant shelling since the takeover.",
        "The killer weapons were used during the Second World War.",  # history
        "Shamefully, the agency has pretended not to know who is attacking the plant.",  # evaluation
        "Zelensky went on the verbal attack against Russia.",  # figure of speech
        "The White House dismissed the claims as complete fiction.",  # about reports
        "Sources in the investigation into the Nord Stream pipeline explosions confirmed media reports.",  # inquiry
        "First, he quotes the mouthpieces presenting the government's explanation of the blow-up.",
        "The company is among the top suppliers of artillery shells and missiles to Kyiv.",  # weapons as goods
    ],
)
def test_not_reported_as_fact(sentence: str) -> None:
    assert not_reported_as_fact(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia struck critical infrastructure in the Lviv region with missiles early on March 24.",
        "The first major attack on Russian territory since World War II, the offensive in the Kursk region, began.",
        "Ukrainian officials announced the seizure of Kupyansk.",
        "Western allies delivered air defence systems before missiles struck Kyiv on Monday.",  # a strike is told
        # what a name once was is an aside, not the sentence's action
        "Vovchansk, which previously had a population of 2,500 but now has 300 residents, suffered shelling on Sunday.",
    ],
)
def test_reported_incidents_pass(sentence: str) -> None:
    with rules.everything_on():  # "a strike is told" reads event.second.strike, dropped after the model
        assert not not_reported_as_fact(sentence, "2024-03-25")


def test_an_earlier_year_is_background() -> None:
    sentence = "In September 2022, the pipeline was blown up in the Baltic Sea."
    assert not_reported_as_fact(sentence, "2023-10-01")
    assert not not_reported_as_fact(sentence, "2022-10-01")
    assert not not_reported_as_fact(sentence, None)


def test_dated() -> None:
    assert dated("On Tuesday, Russia hit Ukraine with its latest attack.")
    assert dated("Drones struck overnight.")
    assert not dated("Russia has attacked Ukraine's energy system.")


def test_talks_struggles_and_bids() -> None:
    assert not_reported_as_fact(
        'Zelenskiy said Ukraine was engaged in "very difficult negotiations" to evacuate the wounded.'
    )
    assert not not_reported_as_fact("The two sides signed an agreement after talks in Istanbul on Friday.")
    assert not_reported_as_fact("But despite overrunning Luhansk, Russia has struggled to advance further west.")
    bid = "Dozens of Russian paratroopers were killed in their doomed bid to take Hostomel airport."
    assert settled_type(bid, "other") == "battle"
    fire = "Equipment caught fire when a critical energy facility in the Lviv region was attacked."
    assert settled_type(fire, "battle") == "explosion_remote_violence"


def test_only_said() -> None:
    from summarizer.text import only_said

    assert only_said("She added in a concise summary: “The terrorists in Kiev destroyed their country.”")
    assert only_said('However, these reports of "Russia kidnapping children" have been based on a trend.')
    assert not only_said("Missiles struck Kyiv, “a terrible night”, the mayor said.")


def test_an_aside_is_not_the_sentence() -> None:
    from summarizer.text._sentences import without_asides

    s = "Vovchansk, which previously had 2,500 residents, suffered shelling, said Synegubov."
    assert without_asides(s) == "Vovchansk, suffered shelling, said Synegubov."
    assert not_reported_as_fact("Russia has repeatedly shelled Vovchansk, which lies near the border.")  # main clause


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # words that settle one type: an incident, whatever the model said
        ("Artillery shelled the market of the town overnight.", "explosion_remote_violence"),
        ("Militiamen abducted six farmers from the village.", "violence_against_civilians"),
        ("The brigade withdrew from the town on Friday.", "strategic_development"),
        ("Rebels clashed with the army near the airport.", "battle"),
        # words of two types: the model's no stands
        ("Troops stormed the town after artillery shelled it for days.", None),
        # no decisive word: the model's no stands
        ("The attack was condemned by the United Nations.", None),
    ],
)
def test_decided_by_words_overrules_no_event_only_where_the_words_leave_no_doubt(
    sentence: str, expected: str | None
) -> None:
    assert decided_by_words(sentence) == expected


def test_decided_by_words_follows_the_rule_switch() -> None:
    sentence = "Artillery shelled the market of the town overnight."
    with rules.disabled(["event.decisive.strike"]):
        assert decided_by_words(sentence) is None
    assert decided_by_words(sentence) == "explosion_remote_violence"
