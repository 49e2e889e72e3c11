"""What every part of Loa shares: settings, database, Redis, i18n and the app factory."""
