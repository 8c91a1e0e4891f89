"""What code finds and settles before the model is asked (brief-v4), on real article text."""

from __future__ import annotations

from summarizer.extraction._findings import find
from tests.conftest import article_text


def test_candidates_of_a_real_article() -> None:
    findings, _places = find(article_text("000_8e4072f24d340fe0.txt"))
    names = {c.name for c in findings.candidates}
    # people, units and places the NER or the capitalised-name finder found
    assert {"Igor Girkin", "1442nd Regiment", "Klishchiivka", "Bakhmut"} <= names
    golikov = next(c for c in findings.candidates if c.name == "Svyatoslav Golikov")
    assert "Golikov" in golikov.forms  # the surname folded into the full name
    assert not {"Russian", "Ukrainian", "Twitter", "Telegram"} & names  # nationality words, social networks


def test_national_forces_are_one_actor_with_their_forms() -> None:
    findings, _places = find(article_text("001_0f1bb87850801b8c.txt"))
    russian = [name for name, (kind, side) in findings.actors.items() if kind == "armed_forces" and side == "Russia"]
    assert len(russian) == 1
    forces = next(c for c in findings.candidates if c.name == russian[0])
    assert len(forces.all_forms()) >= 3  # "Russian forces", "Russian soldiers", "Putin's troops" ...


def test_places_are_settled_by_the_gazetteer_and_a_state_that_acts_is_an_actor() -> None:
    findings, _places = find(article_text("EN_UA_026036.txt"))
    assert findings.places["Vovchansk"].country == "Ukraine"
    assert findings.places["Vovchansk"].kind == "settlement"
    assert findings.places["Russia"].kind == "country"
    assert "Russia" in findings.states  # "Russia pounded over 30 villages": the state acts
    assert "Vovchansk" not in {c.name for c in findings.ask}  # nothing left for the model to guess
    assert "Sergiy Kryvetchenko" in {c.name for c in findings.ask}


def test_namesake_towns_abroad_are_not_places() -> None:
    text = (
        "Russian missiles struck Kyiv on Monday, the Energy Ministry said. "
        "Congress debated more aid from the United States for Ukraine, "
        "and the White House said the energy grid in Ukraine was hit. Zelensky spoke in English to the West."
    )
    findings, _places = find(text)
    assert findings.places["Ukraine"].kind == "country"
    # "Energy" (a town in Illinois; the article writes "energy" as a word), "Congress" (Arizona),
    # "White House" (an alternate name of Casablanca), "English" and "West": none is a place here
    assert not {"Energy", "Congress", "White House", "English", "West"} & set(findings.places)


def test_the_writers_biography_names_no_actor_and_no_place() -> None:
    """Everything under "About the writer" is about the outlet: the reporter and where she is
    based are candidates only when the story itself names them."""
    findings, _places = find(article_text("EN_UA_002531.txt"))
    names = {c.name for c in findings.candidates}
    assert "Aila Slisco" not in names and "New York" not in names
    assert "Zelensky" in " ".join(names)  # the story's own names stay
    story = (
        "Russian forces shelled Kharkiv, Oleh Syniehubov said.\n"
        "About the writer\nJane Roe is based in Kharkiv and London."
    )
    names = {c.name for c in find(story)[0].candidates}
    assert "Kharkiv" in names and "Jane Roe" not in names and "London" not in names


def test_a_village_the_article_introduces_is_a_place_even_unknown() -> None:
    text = (
        "Poland says a missile crossed its border. According to Radio ZET, two rockets fell in the "
        "village of Przewodów in the Lublin province. The object entered near the town of Oserdow."
    )
    findings, _ = find(text)
    assert findings.places["Przewodów"].kind == "settlement"
    assert findings.places["Oserdow"].kind == "settlement"
    assert "Przewodów" not in [c.name for c in findings.ask]


def test_a_namesake_town_abroad_is_asked_as_a_possible_actor_never_a_place() -> None:
    text = (
        "Hamas’ political leader Ismail Haniyeh was killed in Tehran. Israel said Hamas would answer. "
        "The Pentagon said the strike was not American. Iran vowed revenge on Israel."
    )
    findings, _ = find(text)
    asked = [c.name for c in findings.ask]
    assert "Hamas" in asked and "Hamas" in findings.namesakes  # Hamm, Germany, by another name
    assert "Hamas" not in findings.places


def test_a_persons_surname_is_the_person_not_a_namesake_town() -> None:
    """ "Hadi" of "Mansour Hadi" is a town of a few hundred people in the United States, which
    the article names; NER read the short form as a place."""
    text = (
        "Ousted President Abdu Rabu Mansour Hadi says his resignation was forced. The council backed Hadi, "
        "calling for calm. Rebels fired missiles at a palace housing Hadi in the port city. Officers loyal "
        "to Hadi fought on, U.S. officials said."
    )
    findings, _ = find(text)
    assert "Hadi" not in findings.places
    assert "U.S" in findings.places  # a place named on its own stays one
