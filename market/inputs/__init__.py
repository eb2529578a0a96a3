"""Readers of operator data files: weather, meters, tariffs."""
