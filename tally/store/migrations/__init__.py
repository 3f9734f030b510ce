"""Alembic migrations of the tally schema (``versions/``)."""

#: The newest revision in ``versions/``. A workspace stamped with it needs no migration, which the
#: workspace checks without loading Alembic; a test keeps it equal to Alembic's own head.
HEAD = "0004"
