"""The application: settings, database, cases and review, audit, drafting, chat, cockpit, CLI."""
