"""Errors the ledger's actions raise, with messages a clerk can act on."""


class LedgerError(Exception):
    """An action refused: nothing was written."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DuplicatePayment(LedgerError):
    pass


class RecordError:
    """One bad record in a batch: its position, the field at fault, and why."""

    __slots__ = ("line", "field", "reason")

    def __init__(self, line: int, field: str, reason: str):
        self.line, self.field, self.reason = line, field, reason

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "reason": self.reason}

    def __repr__(self):
        return f"{self.line}行目 {self.field}: {self.reason}"


class BatchRejected(LedgerError):
    """A batch with at least one bad record: none of it was written."""

    def __init__(self, errors: list[RecordError]):
        super().__init__(f"{len(errors)}件の誤りがあるため、全件を取り込みませんでした。")
        self.errors = errors
