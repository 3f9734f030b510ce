"""tally.report: Result objects -> a self-contained HTML report and open files (CSV, JSON, Parquet, HXL).

It does no statistics and no queries: :func:`tally.pipeline.gather_report` collects a
:class:`ReportData` from the store and the stages, :func:`render` lays it out, and
:func:`tally.report.exports.write` writes rows the orchestrator hands it.
"""

from __future__ import annotations

from tally.report.exports import COLUMNS, FORMATS, KINDS, Column, write
from tally.report.html import render, write_report
from tally.report.model import EstimateRow, PlaceRow, ReportData, StageStatus

__all__ = ["COLUMNS", "FORMATS", "KINDS", "Column", "EstimateRow", "PlaceRow", "ReportData", "StageStatus", "render",
           "write", "write_report"]
