"""The deploy tests drive the session's Chromium (the ``browser`` fixture in tests/conftest.py)."""
