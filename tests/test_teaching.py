"""What corrections teach questions none of them is worded like: the values and join keys they used, laid
over the prompt's schema, and examples chosen for the schema a question needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import sqlite_file

from feedback.corrections import Correction
from feedback.lessons import Lessons
from feedback.query_uses import QueryUses, query_uses
from feedback.schema_notes import SchemaNotes, annotate, learned_notes
from feedback.similar import CorrectionIndex
from feedback.teaching import Teacher, needs
from nl2sql import Assistant
from nl2sql.connect import open_database
from nl2sql.schema import Schema, load_schema

TABLES = [
    "CREATE TABLE airlines (uid INTEGER PRIMARY KEY, Airline TEXT, Abbreviation TEXT, Country TEXT)",
    "CREATE TABLE airports (City TEXT, AirportCode TEXT PRIMARY KEY, AirportName TEXT, Country TEXT)",
    "CREATE TABLE flights (Airline INTEGER, FlightNo INTEGER, SourceAirport TEXT, DestAirport TEXT,"
    " PRIMARY KEY (Airline, FlightNo), FOREIGN KEY (SourceAirport) REFERENCES airports (AirportCode),"
    " FOREIGN KEY (DestAirport) REFERENCES airports (AirportCode))",
]
ROWS = [
    "INSERT INTO airlines VALUES (1, 'United Airlines', 'UAL', 'USA'),"
    " (2, 'JetBlue Airways', 'JetBlue', 'USA')",
    "INSERT INTO airports VALUES ('Aberdeen', 'APG', 'Phillips AAF', 'United States'),"
    " ('Abilene', 'ABI', 'Municipal', 'United States')",
    "INSERT INTO flights VALUES (1, 28, 'APG', 'ABI'), (2, 29, 'ABI', 'APG')",
]
# the way a flight names its airline (flights.Airline = airlines.uid) is declared nowhere
AIRLINE_FLIGHTS = (
    "SELECT count(*) FROM FLIGHTS AS T1 JOIN AIRLINES AS T2 ON T1.Airline = T2.uid"
    ' WHERE T2.Airline = "JetBlue Airways"'
)
ABERDEEN_ARRIVALS = (
    "SELECT count(*) FROM FLIGHTS AS T1 JOIN AIRPORTS AS T2 ON T1.DestAirport = T2.AirportCode"
    ' WHERE T2.City = "Aberdeen"'
)


@pytest.fixture()
def flights_db(tmp_path: Path) -> str:
    return sqlite_file(tmp_path / "flights.sqlite", TABLES + ROWS)


@pytest.fixture()
def schema(flights_db: str) -> Schema:
    return load_schema(open_database(flights_db))


def corrected(event_id: int, question: str, sql: str) -> Correction:
    return Correction(event_id, "flights", question, sql, "edited")


@pytest.mark.parametrize(
    ("sql", "values", "joins"),
    [
        (
            AIRLINE_FLIGHTS,
            [("airlines", "airline", "JetBlue Airways")],
            [(("airlines", "uid"), ("flights", "airline"))],
        ),
        (  # both sides of a set operation, a subquery, IN and LIKE
            "SELECT Airline FROM airlines WHERE Country = 'USA' EXCEPT SELECT Airline FROM airlines"
            " WHERE uid IN (SELECT Airline FROM flights WHERE SourceAirport IN ('APG', 'ABI'))"
            " OR Abbreviation LIKE '%Jet%'",
            [
                ("airlines", "country", "USA"),
                ("flights", "sourceairport", "APG"),
                ("flights", "sourceairport", "ABI"),
                ("airlines", "abbreviation", "%Jet%"),
            ],
            [],
        ),
        (
            "SELECT * FROM airports AS a, flights AS f WHERE f.DestAirport = a.AirportCode",
            [],
            [(("airports", "airportcode"), ("flights", "destairport"))],
        ),
    ],
)
def test_a_query_is_read_for_the_values_it_compares_and_the_keys_it_joins_on(
    schema: Schema, sql: str, values: list, joins: list
) -> None:
    uses = query_uses(sql, schema)
    assert sorted(uses.values) == sorted(values)
    assert list(uses.joins) == joins


def test_columns_are_placed_in_their_tables_through_aliases_and_unique_names(schema: Schema) -> None:
    uses = query_uses(ABERDEEN_ARRIVALS, schema)
    assert uses.tables == {"flights", "airports"}
    assert uses.columns == {("flights", "destairport"), ("airports", "airportcode"), ("airports", "city")}
    assert query_uses("SELECT FROM WHERE", schema) == QueryUses()
    assert query_uses("SELECT name FROM planets", schema) == QueryUses(), "nothing of this schema"


def test_learned_values_come_first_among_a_columns_samples_and_patterns_stay_out(schema: Schema) -> None:
    notes = learned_notes(
        [
            QueryUses(values=(("airports", "city", "Aberdeen"), ("airports", "city", "%berd%"))),
            QueryUses(values=(("airports", "city", "Ashley"), ("airports", "city", "Ashley"))),
            QueryUses(values=(("airlines", "country", "usa"),)),
        ]
    )
    assert notes.values[("airports", "city")] == ("Ashley", "Aberdeen"), "the most used first, no pattern"
    shown = annotate(schema, notes)
    city = shown.table("airports").column("City")
    assert city.samples[:2] == ("Ashley", "Aberdeen")
    assert set(city.samples[2:]) == set(schema.table("airports").column("City").samples) - {"Aberdeen"}
    assert shown.table("airlines").column("Country").samples == ("USA",), "no second spelling of a sample"
    assert annotate(schema, SchemaNotes()) is schema


def test_a_learned_join_on_a_key_becomes_a_foreign_key_once(schema: Schema) -> None:
    airline = (("airlines", "uid"), ("flights", "airline"))
    declared = (("airports", "airportcode"), ("flights", "destairport"))
    no_key = (("airlines", "country"), ("airports", "country"))
    shown = annotate(schema, SchemaNotes(joins=(airline, airline, declared, no_key)))
    added = [
        fk for fk in shown.table("flights").foreign_keys if fk not in schema.table("flights").foreign_keys
    ]
    assert [(fk.columns, fk.ref_table, fk.ref_columns) for fk in added] == [
        (("Airline",), "airlines", ("uid",))
    ]
    assert shown.table("airlines").foreign_keys == shown.table("airports").foreign_keys == ()


def test_a_question_needs_the_columns_it_names_and_the_ones_holding_its_values(schema: Schema) -> None:
    needed = needs("How many flights arrive in Abilene?", schema)
    assert needed[("table", "flights")] == 1.0
    assert needed[("column", "airports", "city")] == 1.0, "Abilene is a city"
    assert ("column", "flights", "flightno") not in needed, "a table's own name does not name its columns"
    name = ("column", "airports", "airportname")
    assert needs("What are the names of the airports in Abilene?", schema)[name] == 1.0
    assert name not in needs("Which airports are in Abilene?", schema), "its own word is name"


def test_a_column_named_alike_in_a_table_the_question_names_claims_the_words(schema: Schema) -> None:
    airline_country, airport_country = ("column", "airlines", "country"), ("column", "airports", "country")
    needed = needs("Which country are the airlines from?", schema)
    assert needed[airline_country] == 1.0
    assert needed[airport_country] == 0.25, "airports are not asked about: their country is not meant"
    unclaimed = needs("Which country has most?", schema)
    assert unclaimed[airline_country] == unclaimed[airport_country] == 0.5, "no table named: both may be"
    both = needs("Which country are the airlines and the airports in?", schema)
    assert both[airline_country] == both[airport_country] == 1.0


def test_examples_are_chosen_for_the_parts_of_the_schema_a_question_needs(schema: Schema) -> None:
    lessons = Lessons(
        [
            corrected(1, "Give the number of Jetblue Airways flights.", AIRLINE_FLIGHTS),
            corrected(2, "How many flights arriving in Aberdeen city?", ABERDEEN_ARRIVALS),
            corrected(3, "How many airports do we have?", "SELECT count(*) FROM AIRPORTS"),
            corrected(
                4, "Which country does JetBlue belong to?", "SELECT Country FROM AIRLINES WHERE uid = 2"
            ),
        ],
        schema,
    )
    teacher = lessons.teacher
    question = "How many United Airlines flights go to City 'Abilene'?"
    both = [c.event_id for c in teacher.choose(question, min_teaching=0.5)]
    assert sorted(both) == [1, 2], "each shows one part: the airline's key, the city's column"
    assert [c.event_id for c in teacher.choose(question, 1, min_teaching=0.5)] == both[-1:], "best last"
    assert teacher.choose("How many flights are there?") == [], "a table alone needs no example"
    assert teacher.choose(question, min_teaching=100) == []


def test_a_long_query_loses_to_a_short_one_that_shows_the_same(schema: Schema) -> None:
    long = (
        "SELECT T2.City, T3.Airline, count(*) FROM flights AS T1 JOIN airports AS T2 ON T1.DestAirport = "
        "T2.AirportCode JOIN airlines AS T3 ON T3.uid = T1.Airline WHERE T2.City = 'Aberdeen' GROUP BY 1, 2"
    )
    teacher = Teacher(
        [
            corrected(1, "Arrivals per airline in Aberdeen", long),
            corrected(2, "Arrivals in Aberdeen", ABERDEEN_ARRIVALS),
            corrected(3, "Airports", "SELECT count(*) FROM airports"),
        ],
        schema,
    )
    assert [c.event_id for c in teacher.choose("Flights to the city Abilene?", 1, min_teaching=0.1)] == [2]


def test_the_prompt_shows_what_approved_corrections_taught_to_questions_worded_otherwise(
    flights_db: str,
) -> None:
    index = CorrectionIndex(
        [
            corrected(1, "Give the number of Jetblue Airways flights.", AIRLINE_FLIGHTS),
            corrected(2, "How many flights arriving in Aberdeen city?", ABERDEEN_ARRIVALS),
            corrected(
                3, "Which airlines are from the USA?", "SELECT Airline FROM airlines WHERE Country = 'USA'"
            ),
        ],
        embeddings=False,
    )
    assistant = Assistant(flights_db, log=None, corrections=index, semantic=None)
    question = "Count the flights of United Airlines that land in Abilene"
    assert index.similar(question) == [], "no correction is worded like it"
    prompt = assistant.messages(question)[-1]["content"]
    assert "FOREIGN KEY (Airline) REFERENCES airlines(uid)" in prompt
    assert "City TEXT, -- e.g. 'Aberdeen'" in prompt
    shown = [e.sql for e in assistant.similar_examples(question)]
    assert shown == [AIRLINE_FLIGHTS], "the one that shows how flights name their airline"
    assert (
        Assistant(flights_db, log=None, corrections=index, semantic=None, examples=0).similar_examples(
            question
        )
        == []
    )

    bare = Assistant(flights_db, log=None, corrections=CorrectionIndex(embeddings=False), semantic=None)
    assert bare._schema_text(question) is None, "without corrections the schema is shown as it is"
    assert "REFERENCES airlines" not in bare.messages(question)[-1]["content"]


@pytest.mark.parametrize(
    ("question", "cities", "countries"),
    [
        ("How many flights are there per airport?", False, False),
        ("How many flights land in ashley?", True, False),
        ("How many flights land in aberdeen?", True, False),
        ("How many flights land in Abilene?", True, True),
        ("How many flights land in the city 'abilene'?", True, True),
        ("有多少航班降落在阿比林？", True, True),
        ("How many flights does each Airline have?", False, False),
    ],
)
def test_learned_values_reach_only_questions_with_a_value_to_write(
    flights_db: str, question: str, cities: bool, countries: bool
) -> None:
    index = CorrectionIndex(
        [
            corrected(
                2, "How many airports in Ashley?", "SELECT count(*) FROM airports WHERE City = 'Ashley'"
            ),
            corrected(3, "Airlines of Canada?", "SELECT Airline FROM airlines WHERE Country = 'Canada'"),
        ],
        embeddings=False,
    )
    assistant = Assistant(flights_db, log=None, corrections=index, semantic=None, examples=0)
    prompt = assistant.messages(question)[-1]["content"]
    assert ("'Ashley'" in prompt) is cities, "Ashley is a city (of a correction), Aberdeen one of the samples"
    assert ("'Canada'" in prompt) is countries
