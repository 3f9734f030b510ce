"""tally.reconcile"""
