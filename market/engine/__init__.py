"""The discrete-event engine: event bus, SimPy processes and the simulation object."""
