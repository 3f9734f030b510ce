"""tally.ingest"""
