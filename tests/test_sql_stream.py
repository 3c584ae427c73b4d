"""The SQL as the model writes it: :class:`nl2sql.extract.SQLStream` over answers cut into pieces every
way, and ``Assistant.on_token`` telling the SQL of an answer's generation between its stages, stopping
it when the callback raises (a cancel), with the assistant usable afterwards."""

from __future__ import annotations

import itertools
import random

import pytest
from conftest import StreamedReplies

from nl2sql.assistant import Assistant
from nl2sql.extract import SQLStream, extract_sql

ANSWERS = [
    "```sql\nSELECT segment, COUNT(*) AS n\nFROM customers\nGROUP BY segment\n```",
    "```sql\nSELECT name FROM customers WHERE name = 'a;b';\n```\nThat lists them.",
    "Here it is:\n```\nSELECT `name` FROM `customers`\n```",
    "```sqlite\n  SELECT 1  \n\n```",
    "SELECT name FROM customers; SELECT 2",
    "I cannot answer that.",
    "```sql\nSELECT name FROM customers WHERE note = '```'",
]
SEGMENTS_SQL = "SELECT segment, COUNT(*) AS customers FROM customers GROUP BY segment ORDER BY customers DESC"


class Cancelled(Exception):
    """What a user's cancel raises in the token callback."""


def pieces_of(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *sorted(cuts), len(text)]
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


def streamed(pieces: list[str]) -> tuple[list[str], str]:
    """What a stream gives for each piece, and after ``finish``."""
    stream = SQLStream()
    given = [stream.feed(piece) for piece in pieces]
    return given, "".join(given) + stream.finish()


@pytest.mark.parametrize("text", ANSWERS)
def test_the_pieces_add_up_to_the_sql_however_the_answer_is_cut(text: str) -> None:
    expected = extract_sql(text)
    shuffle = random.Random(len(text))
    cuttings = [list(range(1, len(text)))]  # character by character
    cuttings += [shuffle.sample(range(1, len(text)), k=min(len(text) - 1, n)) for n in (3, 8, 20)]
    for cuts in cuttings:
        given, whole = streamed(pieces_of(text, cuts))
        assert whole == expected, cuts
        running = ""
        for piece in given:  # at every moment, what was given is a prefix of the final SQL
            running += piece
            assert expected.startswith(running)
        assert "```" not in running and not running.startswith((" ", "\n"))


def test_a_model_that_starts_over_in_another_block_is_not_followed() -> None:
    stream = SQLStream()
    given = [stream.feed(piece) for piece in ["SELECT na", "me\n", "```sql\nSELECT id FROM t\n```"]]
    assert "".join(given) == "SELECT name" and stream.diverged
    assert stream.finish() == "" and extract_sql(stream.raw) == "SELECT id FROM t"


def test_the_assistant_tells_the_sql_as_it_is_written_between_its_stages() -> None:
    told: list[tuple[str, str]] = []
    generator = StreamedReplies(SEGMENTS_SQL)
    assistant = Assistant(
        "demo",
        generator=generator,
        semantic=False,
        log=None,
        on_stage=lambda stage: told.append(("stage", stage)),
        on_token=lambda text: told.append(("token", text)),
    )
    answer = assistant.ask("How many customers are in each segment?")
    assert answer.error is None and answer.sql == SEGMENTS_SQL
    kinds = [kind if kind == "token" else value for kind, value in told]
    first, last = kinds.index("token"), len(kinds) - 1 - kinds[::-1].index("token")
    assert kinds[:first] == ["linking", "generating"] and kinds[last + 1 :] == ["checking", "running"]
    tokens = [value for kind, value in told if kind == "token"]
    assert len(tokens) > 5 and "".join(tokens) == SEGMENTS_SQL  # word by word, the fence left out


def test_a_repair_round_is_not_told_as_sql() -> None:
    tokens: list[str] = []
    generator = StreamedReplies("SELECT nope FROM customers")
    assistant = Assistant(
        "demo", generator=generator, semantic=False, log=None, on_token=tokens.append, fallback_samples=0
    )
    answer = assistant.ask("How many customers?")
    assert generator.prompts == 2 and answer.repaired and answer.error
    assert "".join(tokens) == "SELECT nope FROM customers"  # the answer's own generation, once


def test_raising_in_the_token_callback_stops_the_writing_and_the_assistant_answers_again() -> None:
    generator = StreamedReplies(SEGMENTS_SQL)
    tokens: list[str] = []

    def cancel_after_two(text: str) -> None:
        tokens.append(text)
        if len(tokens) == 2:
            raise Cancelled

    assistant = Assistant("demo", generator=generator, semantic=False, log=None, on_token=cancel_after_two)
    with pytest.raises(Cancelled):
        assistant.ask("How many customers are in each segment?")
    assert len(tokens) == 2 and len(generator.written) == 3  # the fence, then two words of SQL: no more
    assistant.on_token = tokens.append
    assert assistant.ask("How many customers are in each segment?").sql == SEGMENTS_SQL
