"""tally.estimate"""
