"""The law and the arithmetic of municipal receivables, as pure functions.

Nothing here imports Django or reads the clock: every date is passed in. An
import-linter contract (pyproject.toml) keeps it that way.
"""
