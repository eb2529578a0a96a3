"""Sub-commands of the greenmarket CLI, one module each."""
