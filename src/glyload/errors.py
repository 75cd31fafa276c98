"""Errors that carry a location, so users see what was wrong and where."""


class GlyloadError(Exception):
    """A user-facing error: its message is one line and needs no traceback."""


class DataError(GlyloadError):
    """Bad input data, located by file and line."""

    def __init__(self, path, line, message):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")
