"""Back-office pages of the incentives app."""
