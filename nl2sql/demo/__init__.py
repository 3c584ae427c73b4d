"""The embedded demo database: a Chinese office and electronics retailer's sales, and questions about it.

Example:
    >>> demo_database_path().name
    'demo.sqlite'
    >>> load_demo_questions()[0].id
    'demo-001'
"""

from nl2sql.demo.build import build_demo_database, demo_database_path, ensure_demo_database
from nl2sql.demo.questions import DemoQuestion, load_demo_questions

__all__ = [
    "DemoQuestion",
    "build_demo_database",
    "demo_database_path",
    "ensure_demo_database",
    "load_demo_questions",
]
