"""Readers of free-text answers as citizens type them: years and ages, counts, days, yes/no, names."""
