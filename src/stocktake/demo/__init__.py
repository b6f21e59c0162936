"""The demo delivery unit: a realistic, deterministic government to look at and test on."""
