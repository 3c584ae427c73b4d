"""The state behind the notebook magics: named connections, the model settings, one conversation per
connection. Plain Python, no IPython: the magic only parses its arguments and calls this.

Example:
    >>> import sqlite3, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)").connection.close()
    >>> session = NotebookSession(log=None)
    >>> session.connect(path, name="shop").schema.table("t").name
    't'
    >>> session.current, list(session.connections)
    ('shop', ['shop'])
    >>> session.assistant("crm")
    Traceback (most recent call last):
    ...
    nl2sql.errors.ConnectionSpecError: no connection named crm: connect with %chatbi connect URL --name crm
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nl2sql.assistant import DEFAULT_LOG, Answer, Assistant
from nl2sql.conversation import Conversation, looks_like_follow_up
from nl2sql.errors import ConnectionSpecError
from nl2sql.execute import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S


@dataclass
class ModelSettings:
    """Which model answers: passed to every connection's :class:`Assistant` (the model loads once)."""

    model: str | None = None
    adapter: str | None = None
    backend: str = "auto"
    base_url: str | None = None

    def describe(self) -> str:
        from nl2sql.models.resolve import active_adapter, default_adapter
        from nl2sql.models.weights import DEFAULT_MODEL

        model = self.model or f"{DEFAULT_MODEL} (bundled default)"
        if self.adapter:
            adapter = self.adapter
        elif self.base_url or self.model:
            adapter = "none"
        else:
            active, shipped = active_adapter(), default_adapter()
            if active is not None and active != shipped:
                adapter = f"{active} (retrained on corrections)"
            else:
                adapter = f"{shipped.name} (shipped default)" if shipped else "none"
        where = f"served at {self.base_url}" if self.base_url else f"local, backend {self.backend}"
        return f"model {model}, adapter {adapter}, {where}"


@dataclass
class NotebookSession:
    """Connections by name, the current one, and a conversation for each."""

    max_rows: int = DEFAULT_MAX_ROWS
    timeout_s: float = DEFAULT_TIMEOUT_S
    model: ModelSettings = field(default_factory=ModelSettings)
    log: Any = DEFAULT_LOG
    connections: dict[str, Assistant] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    current: str | None = None

    def connect(self, spec: str, *, name: str | None = None, glossary: str | Path | None = None) -> Assistant:
        """Open ``spec`` (``demo``, a URL or a file) read-only under ``name`` and make it current."""
        assistant = self._assistant(spec, glossary)
        name = name or assistant.database.name
        assistant.connection = name
        self.connections[name] = assistant
        self.conversations[name] = Conversation()
        self.current = name
        return assistant

    def assistant(self, name: str | None = None) -> Assistant:
        """The connection called ``name`` (the current one by default)."""
        name = name or self.current
        if name is None:
            raise ConnectionSpecError("no database connected yet: run %chatbi connect demo (or a URL) first")
        if name not in self.connections:
            raise ConnectionSpecError(
                f"no connection named {name}: connect with %chatbi connect URL --name {name}"
            )
        return self.connections[name]

    def conversation(self, name: str | None = None) -> Conversation:
        self.assistant(name)
        return self.conversations[name or self.current or ""]

    def ask(
        self,
        question: str,
        *,
        db: str | None = None,
        run: bool = True,
        new: bool = False,
        follow_up: bool | None = None,
    ) -> Answer:
        """Answer ``question`` on connection ``db``. It follows up on the conversation when ``follow_up``
        says so, or (None) when it reads like a follow-up; ``new`` starts the conversation over."""
        assistant = self.assistant(db)
        conversation = self.conversation(db)
        if follow_up is None:
            follow_up = looks_like_follow_up(question)
        if new or not follow_up:
            conversation.reset()
        answer = assistant.ask(question, run=run, history=conversation.history())
        if not answer.error:
            conversation.add(answer.question, answer.sql)
        return answer

    def set_model(self, **settings: Any) -> None:
        """Change the model for all connections (``model``, ``adapter``, ``backend``, ``base_url``)."""
        for key, value in settings.items():
            if value is not None:
                setattr(self.model, key, value)
        for name, assistant in list(self.connections.items()):
            self.connections[name] = self._assistant(assistant.database, assistant.glossary)

    def _assistant(self, db: Any, glossary: Any) -> Assistant:
        return Assistant(
            db,
            model=self.model.model,
            adapter=self.model.adapter,
            base_url=self.model.base_url,
            backend=self.model.backend,
            max_rows=self.max_rows,
            timeout_s=self.timeout_s,
            glossary=glossary,
            log=self.log,
        )

    def status(self) -> str:
        """What is connected, which model answers, and how long each conversation is."""
        lines = [self.model.describe()]
        if not self.connections:
            lines.append("no database connected: %chatbi connect demo")
        for name, assistant in self.connections.items():
            marker = "*" if name == self.current else " "
            schema = assistant.schema
            turns = len(self.conversations[name].turns)
            glossary = f"{len(assistant.glossary.terms)} glossary terms"
            lines.append(
                f"{marker} {name}: {assistant.database.dialect}, {len(schema.tables)} tables, {glossary},"
                f" {turns} question{'s' if turns != 1 else ''} in the conversation"
            )
        return "\n".join(lines)
