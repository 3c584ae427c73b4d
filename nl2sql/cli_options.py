"""Command-line options shared by several ``chatbi`` commands.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_model_options(parser)
    >>> parser.parse_args(["--adapter", "none"]).backend
    'auto'
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from nl2sql.errors import InvalidLimitError, RefusedStatementError
from nl2sql.input_checks import sql_text_reason
from nl2sql.limits import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, row_limit, time_limit
from nl2sql.models.resolve import BACKENDS

if TYPE_CHECKING:
    from feedback.train import TrainConfig

T = TypeVar("T")


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """``--db``: which database a command works on."""
    parser.add_argument("--db", required=True, help="'demo', a SQLAlchemy URL, or a SQLite/DuckDB file")


def add_escalation_option(parser: argparse.ArgumentParser) -> None:
    """``--escalate MODEL``: a larger model that answers again where the default one's answer fails."""
    parser.add_argument(
        "--escalate",
        default=None,
        metavar="MODEL",
        help="a larger model (e.g. qwen2.5-coder-1.5b) to ask when an answer fails its checks",
    )


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """``--model``, ``--adapter``, ``--base-url`` and ``--backend``: which model answers, and how."""
    parser.add_argument("--model", default=None, help="bundled name, Hugging Face id/folder, or .gguf file")
    parser.add_argument("--adapter", default=None, help="a peft LoRA adapter folder, or 'none'")
    parser.add_argument(
        "--base-url", default=None, help="an OpenAI-compatible server, e.g. http://host:8000/v1"
    )
    parser.add_argument(
        "--backend",
        default="auto",
        choices=BACKENDS,
        help="local inference: auto (llama.cpp on a CPU when installed), transformers or llama.cpp",
    )


def add_retraining_options(parser: argparse.ArgumentParser) -> None:
    """What a retraining on corrections mixes in and its training settings: ``--replay``,
    ``--replay-limit``, ``--epochs``, ``--learning-rate``, ``--batch-size``, ``--device`` and
    ``--gradient-checkpointing`` (defaults: ``chatbi retrain``'s, :class:`feedback.retrain.RetrainPlan`).

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> add_retraining_options(parser)
        >>> settings = parser.parse_args(["--epochs", "1", "--device", "cpu"])
        >>> (settings.epochs, settings.learning_rate, settings.device, settings.replay)
        (1.0, 0.0001, 'cpu', None)
    """
    from feedback.retrain import RetrainPlan

    defaults = RetrainPlan(databases=())
    parser.add_argument("--replay", default=None, help="general data mixed in, e.g. spider:DIR")
    parser.add_argument("--replay-limit", type=int, default=defaults.replay_limit)
    parser.add_argument("--epochs", type=float, default=defaults.training.epochs)
    parser.add_argument("--learning-rate", type=float, default=defaults.training.learning_rate)
    parser.add_argument("--batch-size", type=int, default=defaults.training.batch_size)
    parser.add_argument("--device", default="auto", help="auto, cuda or cpu")
    add_checkpointing_option(parser)


def add_checkpointing_option(parser: argparse.ArgumentParser) -> None:
    """``--gradient-checkpointing``: training keeps less in memory and computes more
    (:attr:`feedback.train.TrainConfig.gradient_checkpointing`).

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> add_checkpointing_option(parser)
        >>> parser.parse_args(["--gradient-checkpointing"]).gradient_checkpointing
        True
    """
    parser.add_argument(
        "--gradient-checkpointing",
        action="store_true",
        help="compute activations again in the backward pass: much less memory, about a third more time",
    )


def retraining_settings(args: argparse.Namespace, training: TrainConfig) -> TrainConfig:
    """``training`` with the settings :func:`add_retraining_options` parsed.

    Example:
        >>> from feedback.train import TrainConfig
        >>> parsed = argparse.Namespace(epochs=1.0, learning_rate=0.001, batch_size=2, device="cpu",
        ...                             gradient_checkpointing=True)
        >>> retraining_settings(parsed, TrainConfig(data="", out="")).gradient_checkpointing
        True
    """
    return replace(
        training,
        epochs=args.epochs,
        learning_rate=args.learning_rate,
        batch_size=args.batch_size,
        device=args.device,
        gradient_checkpointing=args.gradient_checkpointing,
    )


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """``--max-rows`` and ``--timeout``, refused in one line when not a usable number (0, -1, inf, nan).

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> add_limit_options(parser)
        >>> parser.parse_args(["--max-rows", "5", "--timeout", "2.5"])
        Namespace(max_rows=5, timeout=2.5)
    """
    parser.add_argument(
        "--max-rows",
        type=_checked(row_limit),
        default=DEFAULT_MAX_ROWS,
        help="row limit (default %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=_checked(time_limit),
        default=DEFAULT_TIMEOUT_S,
        help="statement time limit, seconds (default %(default)s)",
    )


def check_sql_input(sql: str) -> None:
    """Refuse, in one line, SQL text no command should try to parse (NUL, not UTF-8, too long or too deep).

    Raises:
        RefusedStatementError: saying why.

    Example:
        >>> check_sql_input("SELECT " + "(" * 3000 + "1" + ")" * 3000)
        Traceback (most recent call last):
        ...
        nl2sql.errors.RefusedStatementError: refused: brackets nested 3000 deep (at most 32)
    """
    reason = sql_text_reason(sql, "sqlite")
    if reason:
        raise RefusedStatementError(f"refused: {reason}")


def _checked(convert: Callable[[object], T]) -> Callable[[str], T]:
    """``convert`` for argparse: its one-line error becomes argparse's, shown after the usage line."""

    def parse(text: str) -> T:
        try:
            return convert(text)
        except InvalidLimitError as error:
            raise argparse.ArgumentTypeError(str(error)) from error

    parse.__name__ = convert.__name__.replace("_", " ")
    return parse
