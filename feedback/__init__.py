"""What users did with the answers: an append-only event log (curation and datasets build on it).

Example:
    >>> from feedback import FeedbackLog
    >>> FeedbackLog.__name__
    'FeedbackLog'
"""

from feedback.log import FeedbackLog

__all__ = ["FeedbackLog"]
