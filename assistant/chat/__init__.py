"""The patient chat: consent, guided intake, uploads, red-flag triage, progress and delivery (Chainlit)."""
