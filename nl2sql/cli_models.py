"""``chatbi models``: the adapter registry — list and show the recorded adapters, put one in shadow (it
answers live questions silently beside the active one), promote one, roll the last promotion back. A
thin shell over :mod:`feedback.registry` and :mod:`feedback.shadow_log`.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_models_commands(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["models", "show", "9a129038", "--json"])
    >>> args.models_command, args.adapter, args.json
    ('show', '9a129038', True)
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from nl2sql.terminal_text import visible

ROLLBACK_HELP = "undo the last promotion: the adapter it replaced answers again (or the shipped one)"


def add_models_commands(commands: Any) -> None:
    """Add ``models list|show|shadow|unshadow|promote|rollback`` to the CLI's subcommands."""
    models = commands.add_parser(
        "models", help="the adapter registry: recorded adapters, their measurements and status"
    )
    actions = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every recorded adapter, newest first, and which answers")
    listing.add_argument("--model", default=None, help="only this base model's adapters")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    show = actions.add_parser("show", help="one adapter: its base model, data, measurements and status")
    show.add_argument("adapter", help="its id, or the start of it (at least 4 hex digits)")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    shadow = actions.add_parser(
        "shadow",
        help="have a candidate answer live questions silently beside the active adapter (one per model)",
    )
    shadow.add_argument("adapter", help="its id, or the start of it (at least 4 hex digits)")
    unshadow = actions.add_parser("unshadow", help="take the adapter in shadow back to candidate")
    unshadow.add_argument("adapter", help="its id, or the start of it (at least 4 hex digits)")
    promote = actions.add_parser(
        "promote", help="make a candidate or shadow adapter the one its base model answers with"
    )
    promote.add_argument("adapter", help="its id, or the start of it (at least 4 hex digits)")
    rollback = actions.add_parser("rollback", help=ROLLBACK_HELP)
    rollback.add_argument("--model", default=None, help="the base model (default: the default model)")
    for action in (listing, show, shadow, unshadow, promote, rollback):
        add_store_option(action)


def add_store_option(parser: argparse.ArgumentParser) -> None:
    """``--log``: the feedback store that holds the registry."""
    parser.add_argument(
        "--log",
        default=None,
        help="the feedback store holding the registry: a file or a PostgreSQL URL (default:"
        " $CHATBI_FEEDBACK_URL, else the data folder's file)",
    )


def _models(args: argparse.Namespace) -> int:
    from feedback.registry import AdapterRegistry

    registry = AdapterRegistry(args.log)
    try:
        if args.models_command == "list":
            return _list(registry, args.model, as_json=args.json)
        if args.models_command == "show":
            return _show(registry, args.adapter, as_json=args.json)
        if args.models_command in ("shadow", "unshadow"):
            return _shadow(registry, args.adapter, on=args.models_command == "shadow")
        if args.models_command == "promote":
            return _promote(registry, args.adapter)
        return rollback(registry, args.model)
    finally:
        registry.close()


def _list(registry: Any, model: str | None, *, as_json: bool) -> int:
    from nl2sql.models.resolve import active_adapter
    from nl2sql.models.weights import DEFAULT_MODEL

    entries = registry.entries(model)
    models = [model] if model else sorted({DEFAULT_MODEL} | {entry.base_model for entry in entries})
    answering = {name: _answering(name, active_adapter(name, registry.log)) for name in models}
    if as_json:
        payload = {"adapters": [entry.to_dict() for entry in entries], "answering": answering}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    if not entries:
        print(
            "no adapters recorded: each model answers with its shipped adapter (`chatbi retrain` adds some)"
        )
    for entry in entries:
        print(
            f"{entry.short_id}  {entry.status:<9}  {entry.base_model}  {entry.created_at}"
            f"  {_measured(entry.metrics)}  {visible(entry.path)}"
        )
    for name, adapter in answering.items():
        print(f"{name} answers with {visible(adapter['adapter'])}")
    return 0


def _answering(model: str, folder: Any) -> dict[str, Any]:
    """What ``model`` answers with now: the active entry's folder, the shipped adapter, or none."""
    from nl2sql.models.resolve import default_adapter

    if folder is None:
        return {"adapter": "no adapter (the bare model)", "path": None}
    shipped = folder == default_adapter(model)
    return {"adapter": f"{folder}{' (shipped)' if shipped else ''}", "path": str(folder)}


def _show(registry: Any, reference: str, *, as_json: bool) -> int:
    entry = registry.entry(reference)
    summary = _shadow_summary(registry, entry)
    if as_json:
        payload = entry.to_dict() | {"shadow": summary.to_dict() if summary else None}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    replaced = entry.replaced[:12] if entry.replaced else "the shipped adapter"
    lines = [
        f"adapter {entry.id}",
        f"  status        {entry.status} (since {entry.changed_at})",
        f"  folder        {visible(entry.path)}",
        f"  base model    {entry.base_model}, sha256 {entry.base_sha256}",
        f"  trained on    data sha256 {entry.data_sha256 or 'not recorded'}",
        f"  recorded      {entry.created_at}",
    ]
    if entry.trained_through is not None:
        lines.append(f"  corrections   approved up to event #{entry.trained_through}")
    if entry.status in ("active", "retired"):  # promoted once: it replaced whatever answered then
        lines.append(f"  replaced      {replaced}")
    for name, value in entry.metrics.items():
        lines.append(f"  {name:<13} {visible(json.dumps(value, ensure_ascii=False))}")
    lines.extend(f"  {line}" for line in (summary.lines() if summary else []))
    print("\n".join(lines))
    return 0


def _shadow_summary(registry: Any, entry: Any) -> Any:
    """How ``entry`` did in shadow (:func:`feedback.shadow_log.shadow_summary`); None for an adapter
    that is not in shadow and never answered in it."""
    from feedback.shadow_log import shadow_summary

    summary = shadow_summary(registry.log, entry.id)
    return summary if summary.answered or entry.status == "shadow" else None


def _shadow(registry: Any, reference: str, *, on: bool) -> int:
    at = datetime.now(UTC)
    entry = registry.shadow(reference, at=at) if on else registry.unshadow(reference, at=at)
    if on:
        print(
            f"{entry.short_id} answers in shadow for {entry.base_model}, silently beside the active adapter,"
            " once a notebook or server next loads the model (`chatbi models show` tells how it does)"
        )
    else:
        print(f"{entry.short_id} is a candidate again: it no longer answers in shadow")
    return 0


def _promote(registry: Any, reference: str) -> int:
    summary = _shadow_summary(registry, registry.entry(reference))
    if summary is not None:
        print("\n".join(summary.lines()))
    entry = registry.promote(reference, at=datetime.now(UTC))
    replaced = f"; {entry.replaced[:12]} retired" if entry.replaced else ""
    print(
        f"promoted: {entry.base_model} answers with {entry.short_id} ({_measured(entry.metrics)}){replaced}"
    )
    return 0


def rollback(registry: Any, model: str | None) -> int:
    """Undo the last promotion of ``model`` (the default model) and say what answers now."""
    from nl2sql.models.weights import DEFAULT_MODEL

    name = model or DEFAULT_MODEL
    undone = registry.active(name)
    back = registry.rollback(name, at=datetime.now(UTC))
    retired = f"{undone.short_id} retired; " if undone else ""
    now = f"{back.short_id} answers again" if back else "back to the shipped adapter"
    print(f"rolled back {name}: {retired}{now}")
    return 0


def _measured(metrics: dict[str, Any]) -> str:
    """Held-out EX before → after, when measured."""
    before, after = metrics.get("ex_before"), metrics.get("ex_after")
    if isinstance(before, int | float) and isinstance(after, int | float):
        return f"held-out EX {before:.3f} → {after:.3f}"
    return "not measured"


MODELS_COMMANDS = {"models": _models}
