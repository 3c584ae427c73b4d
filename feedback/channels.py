"""The ways approved corrections reach later questions, each of which can be turned off on its own (to
measure what one of them gives: ``chatbi bench learning --teach``).

- ``verified``: a correction answers its own question (nearly the same words) with its SQL, no model.
- ``examples``: corrections worded like a question are shown in its prompt (:mod:`feedback.similar`).
- ``lessons``: when none is worded like it, corrections that use the tables and columns it needs are
  shown instead (:mod:`feedback.teaching`).
- ``notes``: the values and join keys corrections used are laid over the schema the prompt shows
  (:mod:`feedback.schema_notes`).
- ``suggestions``: the suggestions a reviewer accepted are laid over the semantic model
  (:mod:`nl2sql.semantic.learned`).

Example:
    >>> sorted(teaching_channels("notes, examples"))
    ['examples', 'notes']
    >>> teaching_channels("all") == frozenset(TEACHING_CHANNELS), teaching_channels("none")
    (True, frozenset())
    >>> teaching_channels("hints")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: unknown way of teaching 'hints': all, none, or some of verified, examples, lessons, ...
"""

from __future__ import annotations

TEACHING_CHANNELS = ("verified", "examples", "lessons", "notes", "suggestions")
"""Every way corrections teach, in the order they are described above."""


def teaching_channels(text: str) -> frozenset[str]:
    """The channels ``text`` names: ``all``, ``none``, or some of :data:`TEACHING_CHANNELS`,
    comma-separated.

    Raises:
        ValueError: a name that is none of these.
    """
    names = [part.strip() for part in text.split(",") if part.strip()]
    if names == ["all"]:
        return frozenset(TEACHING_CHANNELS)
    if names == ["none"]:
        return frozenset()
    unknown = [name for name in names if name not in TEACHING_CHANNELS]
    if unknown or not names:
        raise ValueError(
            f"unknown way of teaching {(unknown or [text])[0]!r}: all, none, or some of"
            f" {', '.join(TEACHING_CHANNELS)}"
        )
    return frozenset(names)


def channels_name(channels: frozenset[str]) -> str:
    """How results name ``channels``: ``all``, ``none``, or the channels in their order.

    Example:
        >>> channels_name(frozenset({"notes", "verified"})), channels_name(frozenset())
        ('verified,notes', 'none')
    """
    if channels == frozenset(TEACHING_CHANNELS):
        return "all"
    return ",".join(name for name in TEACHING_CHANNELS if name in channels) or "none"
