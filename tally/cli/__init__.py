"""tally.cli"""
