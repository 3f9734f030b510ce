"""tally.report"""
