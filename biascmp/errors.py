"""Exceptions a user can see. The library raises these; only ``cli.py`` turns them into a
one-line message and an exit code."""

from __future__ import annotations


class BiascmpError(Exception):
    """Base class: ``str(err)`` is the one-line message shown to the user."""

    exit_code = 1


class BadInput(BiascmpError):
    """An input file that cannot be read as an article (names the file and the reason)."""

    exit_code = 2

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class DatabaseError(BiascmpError):
    """The database cannot be opened, is in use, corrupt or read-only."""

    exit_code = 3

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class DatabaseBusy(DatabaseError):
    """Another process holds the database for writing."""


class NotFound(BiascmpError):
    """An event or article id that the database does not hold."""

    exit_code = 4


class ConfigError(BiascmpError):
    """A bad experiment or settings file: names the file and the key."""

    exit_code = 2

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ModelNotFound(BiascmpError):
    """An embedding model that is neither a local folder nor in the local model cache
    (biascmp never downloads models)."""

    exit_code = 2

    def __init__(self, model: str, reason: str):
        self.model = str(model)
        self.reason = reason
        super().__init__(f"embedding model {self.model!r}: {reason}")
