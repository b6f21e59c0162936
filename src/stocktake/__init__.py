"""Stocktake: results and delivery management for governments."""

__version__ = "0.1.0"
