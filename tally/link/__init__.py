"""tally.link"""
