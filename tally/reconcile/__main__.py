"""``python -m tally.reconcile compile [--force] | status``: build the compiled rules, or say how they run
(:mod:`tally.reconcile._native`)."""

from tally.reconcile._native import main

raise SystemExit(main())
