"""clearing package."""
