"""saiken (債権): a city's receivables ledger."""

__version__ = "0.1.0"
