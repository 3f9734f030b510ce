"""tally.simulate"""
