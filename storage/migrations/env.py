"""Alembic environment: always run on a connection handed over by ``storage.db``."""

from alembic import context

from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'outreach-coach db upgrade'")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    # Tables that are not ours (a library's own, sharing the database) are neither ours to
    # create nor to drop: autogenerate compares only the tables of our models.
    include_name=lambda name, type_, _parents: type_ != "table" or name in Base.metadata.tables,
)
with context.begin_transaction():
    context.run_migrations()
