"""Back-office pages of the plans app."""
