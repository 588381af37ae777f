"""Versioned reference tables (JSON) read by casework.population.tables."""
