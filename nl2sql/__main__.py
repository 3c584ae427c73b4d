"""``python -m nl2sql`` runs the chatbi command."""

import sys

from nl2sql.cli import main

sys.exit(main())
