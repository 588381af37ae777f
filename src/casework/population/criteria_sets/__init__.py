"""Shipped criteria sets (JSON) read by casework.population.criteria."""
