"""NIEM Explorer: the store, scoring method and tools for refugee-integration evaluation data."""
