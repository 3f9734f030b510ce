"""tally.simulate — a documentation world where the truth is known.

``simulate(spec, out)`` draws killings (bursts and single deaths, whole families, Syrian names),
the victim lists several organisations keep of them (each with its own coverage, conventions and
errors, one copying another), news articles relaying their tolls, and the key linking all of it
back to the truth.  Linkage, estimation and extraction are scored against it; ``make demo``
uses it for its data.
"""

from __future__ import annotations

from tally.simulate.spec import OrganisationSpec, SimulationSpec, demo_spec, make_spec
from tally.simulate.writer import SimulationResult, article_body, simulate

__all__ = ["OrganisationSpec", "SimulationResult", "SimulationSpec", "article_body", "demo_spec", "make_spec", "simulate"]
