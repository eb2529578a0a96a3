"""The markets: green power with its certificate registry, energy-use rights."""
