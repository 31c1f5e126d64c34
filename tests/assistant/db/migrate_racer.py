"""One of several processes migrating the same database at once (run by test_migrate.py).

``python -m tests.assistant.db.migrate_racer URL GO_FILE``: import everything, say
``ready``, wait for GO_FILE to appear so every racer starts together, then upgrade.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> None:
    """Migrate when told to; exit 0 on success (a failure's traceback goes to stderr)."""
    url, go = sys.argv[1], Path(sys.argv[2])
    from assistant.db.base import make_engine
    from assistant.db.migrate import upgrade

    engine = make_engine(url)
    with engine.connect():  # connected before the start signal, so only the migration races
        pass
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    upgrade(engine)
    engine.dispose()
    print("migrated", flush=True)


if __name__ == "__main__":
    main()
