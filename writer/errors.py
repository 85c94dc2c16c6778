"""The project's own exceptions. Every message is Chinese and meant for the user as is."""


class WriterError(Exception):
    """A failure the user can act on; str(error) is a one-line Chinese message."""


class InputError(WriterError):
    """Bad input: a file that cannot be read, a malformed record, a wrong option."""


class ValidationError(InputError):
    """Records that failed validation; `problems` lists (row number, message) pairs."""

    def __init__(self, message: str, problems: list[tuple[int, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


class IndexMismatchError(WriterError):
    """The index was built with another embedder than the one configured now."""


class BackendError(WriterError):
    """The language-model endpoint failed (unreachable, refused, timed out, cut off)."""
