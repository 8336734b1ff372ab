"""Site-wide pages: home, language switch."""
