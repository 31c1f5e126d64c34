"""Application services: every use case, with the acting user checked against the policy.

The chat, the cockpit, the CLI and the tests all call these functions; each takes an open
SQLAlchemy session (one transaction) and the acting user, and writes its audit events in
the same transaction.
"""
