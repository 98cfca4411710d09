"""Numbered schema migrations: ``mNNN_<name>.py`` modules each defining ``SQL``.

They are applied in number order when a database opens and recorded in ``schema_migrations``.
A shipped migration is never edited: a change of schema is a new module.
"""
