"""The public commitments site: what the government has promised and how it is doing, for citizens and journalists.

It shows only what the delivery unit has decided to publish (PublicCommitment), and of the figures only
published values (monitoring's PUBLISHED basis), whoever is reading.
"""
