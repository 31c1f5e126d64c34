"""The web application: login, patient chat, clinician cockpit, support and admin pages, one ASGI app."""
