"""The web application: one ASGI app with login, the patient chat, the clinician cockpit, support and admin pages."""
