"""The workspace schema: SQLAlchemy Core tables (migrated by Alembic, see ``migrations/``).

Plural snake_case names; internal bookkeeping tables start with ``_``.  Every row that describes a
person or a report carries a ``sensitivity`` (public | restricted | protected) so that later
access control can filter on it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from tally.store.claim_keys import area_key_default, named_default, relay_key_default

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

SENSITIVITY = String(16)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("kind", String(20), nullable=False, default="unknown"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

source_aliases = Table(
    "source_aliases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("alias", String(300), nullable=False),
    Column("key", String(300), nullable=False, unique=True),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("path", Text),
    Column("size", Integer, nullable=False, default=0),
    Column("title", Text),
    Column("outlet", String(300)),
    Column("url", Text),
    Column("published", DateTime(timezone=True)),
    Column("retrieved", DateTime(timezone=True)),
    Column("language", String(16)),
    Column("source_id", Integer, ForeignKey("sources.id"), index=True),
    Column("sensitivity", SENSITIVITY, nullable=False, default="public"),
    Column("text", Text),
    Column("meta", JSON, nullable=False, default=dict),
    Column("records", Integer, nullable=False, default=0),
    Column("extracted_at", DateTime(timezone=True)),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("ingested_by", String(200), nullable=False),
)

victim_records = Table(
    "victim_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("row", Integer, nullable=False),
    Column("name", Text),
    Column("name_script", String(10), nullable=False, default="unknown"),
    Column("sex", String(10), nullable=False, default="unknown"),
    Column("age", Integer),
    Column("age_group", String(40)),
    Column("date_of_death", Date, index=True),
    Column("governorate", String(200)),
    Column("district", String(200)),
    Column("place", Text),
    Column("governorate_code", String(40), index=True),
    Column("district_code", String(40)),
    Column("country", String(2)),
    Column("status", String(20), nullable=False, default="unknown"),
    Column("cause", Text),
    Column("extra", JSON, nullable=False, default=dict),
    Column("sensitivity", SENSITIVITY, nullable=False, default="restricted"),
    Column("person_id", Integer),
    UniqueConstraint("document_id", "row", name="uq_victim_records_document_row"),
)
Index("ix_victim_records_source_record", victim_records.c.source_id, victim_records.c.record_id)

claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), index=True),
    Column("source_id", Integer, ForeignKey("sources.id"), index=True),
    Column("event", String(20), nullable=False, index=True),
    Column("count_text", String(100)),
    Column("qualifier", String(12), nullable=False),
    Column("vague_word", String(40)),
    Column("low", Float),
    Column("high", Float),
    Column("best", Float),
    Column("victims", String(20), nullable=False),
    Column("victims_text", Text),
    Column("source_text", Text),
    Column("places", JSON, nullable=False, default=list),
    Column("country", String(2)),
    Column("admin1", JSON, nullable=False, default=list),
    Column("pcodes", JSON, nullable=False, default=list),
    Column("date_from", Date, index=True),
    Column("date_to", Date),
    Column("cumulative", Boolean),
    Column("perpetrator", Text),
    Column("quote", Text, nullable=False, default=""),
    Column("start", Integer, nullable=False, default=0),
    Column("end", Integer, nullable=False, default=0),
    Column("reported_at", DateTime(timezone=True)),
    Column("manual", Boolean, nullable=False, default=False),
    Column("status", String(12), nullable=False, default="active"),
    Column("status_reason", Text),
    Column("sensitivity", SENSITIVITY, nullable=False, default="public"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    # computed from the other columns when a row is inserted (tally.store.claim_keys): last, so
    # that their defaults see every other column's value
    Column("named", Boolean, default=named_default),
    Column("relay_key", String(32), index=True, default=relay_key_default),
    Column("area_key", Text, index=True, default=area_key_default),
)

link_runs = Table(
    "link_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("engine", String(20), nullable=False),
    Column("spec", JSON, nullable=False),
    Column("model", JSON),
    Column("metrics", JSON, nullable=False, default=dict),
    Column("records", Integer, nullable=False, default=0),
    Column("persons", Integer, nullable=False, default=0),
)

persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("link_run_id", Integer, ForeignKey("link_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text),
    Column("sex", String(10), nullable=False, default="unknown"),
    Column("age", Integer),
    Column("date_of_death", Date),
    Column("governorate_code", String(40)),
    Column("district_code", String(40)),
    Column("status", String(20), nullable=False, default="unknown"),
    Column("sources", JSON, nullable=False, default=list),
    Column("records", Integer, nullable=False, default=0),
    Column("sensitivity", SENSITIVITY, nullable=False, default="restricted"),
)

link_pairs = Table(
    "link_pairs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("link_run_id", Integer, ForeignKey("link_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("record_l", Integer, nullable=False, index=True),
    Column("record_r", Integer, nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("in_review", Boolean, nullable=False, default=False),
)

link_decisions = Table(
    "link_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_l", Integer, nullable=False),
    Column("record_r", Integer, nullable=False),
    Column("decision", String(10), nullable=False),  # match | no_match | skip
    Column("note", Text),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(200), nullable=False),
    UniqueConstraint("record_l", "record_r", name="uq_link_decisions_pair"),
)

estimates = Table(
    "estimates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("link_run_id", Integer, ForeignKey("link_runs.id", ondelete="SET NULL")),
    Column("method", String(20), nullable=False),
    Column("stratum", JSON, nullable=False, default=dict),  # e.g. {"governorate": "ocha:SY06"}
    Column("spec", JSON, nullable=False, default=dict),
    Column("result", JSON, nullable=False),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_ids", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# One row: the head of the audit hash chain.  Updating it first in every writing transaction
# serialises appends across processes (a row lock on PostgreSQL, the write lock on SQLite).
audit_head = Table(
    "_audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_id", Integer, nullable=False, default=0),
    Column("last_hash", String(64), nullable=False),
)

# One row: how many changes the workspace's data tables have seen (``total``, counted by database
# triggers on each table of :data:`WATCHED`, made by migration 0004) and how many of those tally's
# own transactions account for (``audited``).  A change made around tally, in plain SQL or by
# another program, leaves them apart: the revision says so (``tally.store.audit.revision``) and
# tally's next write puts it in the audit log (``tally.store.audit.outside_changes``).
changes = Table(
    "_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("total", Integer, nullable=False, default=0),
    Column("audited", Integer, nullable=False, default=0),
)

#: The tables whose changes the triggers count: every table of the workspace's data (the audit
#: log has its own hash chain; the bookkeeping tables are tally's).
WATCHED = ("sources", "source_aliases", "documents", "victim_records", "claims", "link_runs", "persons",
           "link_pairs", "link_decisions", "estimates")
