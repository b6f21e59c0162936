"""What the incentives app adds to the demo delivery unit."""

from __future__ import annotations


def extend(seed: int, say) -> None:
    """Called by stocktake.demo.build after the core government is built, inside its transaction."""
    return None
