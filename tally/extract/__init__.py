"""tally.extract"""
