"""Staff accounts: login, users and roles."""
