"""Back-office pages of the routines app."""
