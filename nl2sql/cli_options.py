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

from nl2sql.models.resolve import BACKENDS


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
