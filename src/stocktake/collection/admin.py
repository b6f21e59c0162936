"""Back-office pages of the collection app."""
