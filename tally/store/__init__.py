"""tally.store"""
