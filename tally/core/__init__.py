"""Shared kernel of tally: errors, settings, domain models, gazetteer.  Imports nothing else of ours."""
