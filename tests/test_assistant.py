"""The Assistant's control flow (validate → repair → execute → log) with a scripted generator.

The scripted generator replays fixed answers so that each branch is hit on purpose; the real model
answers real questions in tests/test_end_to_end.py.
"""

from __future__ import annotations

import json

import pytest

from feedback import FeedbackLog
from nl2sql.assistant import Assistant
from nl2sql.errors import EmptyQuestionError
from nl2sql.models.base import Generation, Message


class Scripted:
    """Answers with the given texts in turn and remembers the prompts it saw."""

    model_id = "scripted"
    adapter_hash = None

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[list[Message]] = []

    def generate(self, messages: list[Message], **options: object) -> Generation:
        self.prompts.append(messages)
        return Generation(self.answers.pop(0), prompt_tokens=100, output_tokens=10)


def test_answer_runs_and_logs(sqlite_shop: str, tmp_path) -> None:
    log = FeedbackLog(tmp_path / "log.sqlite")
    generator = Scripted(
        "```sql\nSELECT segment, COUNT(*) AS n FROM customers GROUP BY segment ORDER BY n DESC\n```"
    )
    answer = Assistant(sqlite_shop, generator=generator, log=log).ask("Customers per segment?")
    assert answer.ok and not answer.repaired
    assert answer.data.iloc[0].tolist() == ["SMB", 2]
    assert set(answer.timings) == {"prompt", "generate", "validate", "execute", "total"}
    payload = json.loads(json.dumps(answer.to_dict()))
    assert payload["columns"] == ["segment", "n"] and payload["rows"][0] == ["SMB", 2]
    (event,) = log.events()
    assert event["kind"] == "generated" and event["question"] == "Customers per segment?"
    assert event["sql"] == answer.sql and event["model_id"] == "scripted"


def test_repair_round_shows_the_error_and_uses_the_fix(sqlite_shop: str) -> None:
    generator = Scripted("```sql\nSELECT nme FROM customers\n```", "```sql\nSELECT name FROM customers\n```")
    answer = Assistant(sqlite_shop, generator=generator, log=None).ask("Customer names?")
    assert answer.repaired and answer.ok
    assert answer.sql == "SELECT name FROM customers"
    assert "did you mean name?" in generator.prompts[1][-1]["content"]
    assert len(answer.data) == 4


def test_the_repaired_query_is_mended_too(sqlite_shop: str) -> None:
    generator = Scripted("SELECT nme FROM customers", "SELECT name FROM customer")
    answer = Assistant(sqlite_shop, generator=generator, log=None, fallback_samples=0).ask("Customer names?")
    assert answer.ok and answer.repaired
    assert answer.sql == "SELECT name FROM customers" and answer.fixes == ["customer → customers"]


def test_invalid_after_repair_is_an_error_not_an_exception(sqlite_shop: str) -> None:
    generator = Scripted("SELECT nme FROM customers", "SELECT nmee FROM customers")
    answer = Assistant(sqlite_shop, generator=generator, log=None, fallback_samples=0).ask("Customer names?")
    assert answer.error.startswith("the model could not write valid SQL: no column nme")
    assert answer.data is None


def test_samples_fall_back_when_repair_fails(sqlite_shop: str) -> None:
    generator = Scripted(
        "SELECT nme FROM customers",
        "SELECT nmee FROM customers",  # the repair round fails too
        "SELECT name FROM customers WHERE segment = 'SMB'",
        "SELECT full_name FROM customers",  # invalid sample: dropped
        "SELECT name FROM customers WHERE segment IN ('SMB')",  # agrees with the first valid sample
    )
    answer = Assistant(sqlite_shop, generator=generator, log=None, fallback_samples=3).ask("SMB names?")
    assert answer.ok and answer.repaired and answer.votes == 2
    assert answer.sql == "SELECT name FROM customers WHERE segment = 'SMB'"
    assert "fallback" in answer.timings and len(generator.prompts) == 5
    assert generator.prompts[2] == generator.prompts[0]  # samples answer the question, not the repair


def test_no_fallback_when_the_answer_is_valid(sqlite_shop: str) -> None:
    generator = Scripted("SELECT name FROM customers")
    answer = Assistant(sqlite_shop, generator=generator, log=None, fallback_samples=3).ask("Names?")
    assert answer.ok and "fallback" not in answer.timings and len(generator.prompts) == 1


def test_a_forgotten_join_is_completed_without_the_model(sqlite_shop: str) -> None:
    generator = Scripted("SELECT segment, SUM(amount) FROM orders GROUP BY segment")
    answer = Assistant(sqlite_shop, generator=generator, log=None).ask("Order amounts per segment?")
    assert answer.ok and not answer.repaired and len(generator.prompts) == 1
    assert answer.fixes == ["joined customers for segment"]
    reference = Assistant(sqlite_shop, log=None).run(
        "SELECT c.segment, SUM(o.amount) FROM orders o JOIN customers c USING (customer_id) GROUP BY 1"
    )
    assert sorted(answer.data.itertuples(index=False)) == sorted(reference.data.itertuples(index=False))


def test_refused_statement_is_reported(sqlite_shop: str) -> None:
    generator = Scripted(
        "DELETE FROM customers",
        "DROP TABLE customers",  # the repair round
        "UPDATE customers SET name = 'x'",  # the fallback samples: refused like the rest
        "INSERT INTO customers (customer_id, name) VALUES (9, 'x')",
        "ATTACH DATABASE 'other.db' AS other",
    )
    answer = Assistant(sqlite_shop, generator=generator, log=None).ask("Remove everyone")
    assert "only read queries are run" in answer.error
    assert Assistant(sqlite_shop, log=None).run("SELECT COUNT(*) FROM customers").data.iloc[0, 0] == 4


def test_empty_question(sqlite_shop: str) -> None:
    with pytest.raises(EmptyQuestionError):
        Assistant(sqlite_shop, generator=Scripted(), log=None).ask("   ")


def test_names_with_one_match_are_mended_without_the_model(sqlite_shop: str) -> None:
    generator = Scripted("SELECT Name, SEG_ment FROM customer WHERE segment = 'SMB'")
    answer = Assistant(sqlite_shop, generator=generator, log=None).ask("SMB customers?")
    assert answer.ok and not answer.repaired
    assert answer.fixes == ["customer → customers", "SEG_ment → segment"]
    assert answer.data.iloc[:, 0].tolist() == ["Bolt", "Dune"]
    assert len(generator.prompts) == 1


def test_candidates_vote_by_result(sqlite_shop: str) -> None:
    generator = Scripted(
        "SELECT name FROM customers WHERE segment = 'Enterprise'",  # greedy: outvoted
        "SELECT name FROM customers WHERE segment = 'SMB'",
        "SELECT nme FROM customers",  # invalid: dropped
        "SELECT name FROM customers WHERE segment IN ('SMB')",  # same result as the second: two votes
        "SELECT name FROM customers WHERE segment = 'Nobody'",  # empty while others are not: dropped
    )
    answer = Assistant(sqlite_shop, generator=generator, log=None, candidates=5).ask("SMB customers?")
    assert answer.ok and answer.votes == 2
    assert answer.sql == "SELECT name FROM customers WHERE segment = 'SMB'"
    assert sorted(answer.data.iloc[:, 0]) == ["Bolt", "Dune"]
    assert len(answer.candidates) == 5 and "candidates" in answer.timings
