"""An answer's time budget and the stages it reports: a failing answer stops trying once its budget is
spent and says so, and every stage is reported as it starts (models stand in as fixed replies that
take a set time; nothing here measures speed)."""

from __future__ import annotations

import time

from conftest import Replies

from nl2sql.assistant import Assistant


class SlowReplies(Replies):
    """Answers like :class:`Replies`, after ``delay`` seconds."""

    def __init__(self, sql: str, delay: float) -> None:
        super().__init__(sql)
        self.delay = delay

    def generate(self, messages: list, **options: object):
        time.sleep(self.delay)
        return super().generate(messages, **options)


def test_a_failing_answer_stops_trying_when_its_budget_is_spent() -> None:
    broken = SlowReplies("SELECT nope FROM customers", delay=0.4)
    assistant = Assistant("demo", generator=broken, semantic=False, log=None, time_budget_s=0.3)
    answer = assistant.ask("How many customers?")
    assert answer.error and broken.prompts == 1  # no repair round, no fallback samples
    assert any("budget for an answer was spent" in note for note in answer.notes)
    unlimited = SlowReplies("SELECT nope FROM customers", delay=0.0)
    Assistant("demo", generator=unlimited, semantic=False, log=None, time_budget_s=None).ask("How many?")
    assert unlimited.prompts == 1 + 1 + 3  # the first try, the repair round, three fallback samples


def stages_of(sql: str) -> list[str]:
    """The stages an answer reports when the model writes ``sql``."""
    stages: list[str] = []
    assistant = Assistant("demo", generator=Replies(sql), semantic=False, log=None, on_stage=stages.append)
    assistant.ask("How many customers?")
    return stages


def test_every_stage_is_reported_as_it_starts() -> None:
    failing = stages_of("SELECT nope FROM customers")
    assert failing[:5] == ["linking", "generating", "checking", "repairing", "sampling"]
    assert stages_of("SELECT COUNT(*) FROM customers") == ["linking", "generating", "checking", "running"]
    semantic: list[str] = []
    assistant = Assistant("demo", generator=Replies("SELECT 1"), log=None, on_stage=semantic.append)
    answer = assistant.ask("How many customers are in each segment?")
    assert answer.path == "semantic" and semantic == ["linking", "checking", "running"]


def test_loading_the_model_for_the_first_question_is_not_counted_in_its_budget(monkeypatch) -> None:
    """The first question loads the model (seconds on a busy machine); the answer still gets its whole
    budget to write, repair and sample, as every later one does."""
    import nl2sql.models.resolve

    broken = SlowReplies("SELECT nope FROM customers", delay=0.0)

    def slow_load(*_: object, **__: object) -> SlowReplies:
        time.sleep(1.5)
        return broken

    monkeypatch.setattr(nl2sql.models.resolve, "load_generator", slow_load)
    stages: list[str] = []
    assistant = Assistant("demo", semantic=False, log=None, time_budget_s=1.0, on_stage=stages.append)
    answer = assistant.ask("How many customers?")
    assert "loading the model" in stages and assistant.model_loaded
    assert broken.prompts > 1  # the repair round and samples ran: the load did not spend the budget
    assert not any("budget for an answer was spent" in note for note in answer.notes)
