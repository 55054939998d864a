"""The stage evaluation report (阶段评估) of a year: a Chinese PDF and the same tables as XLSX.

Modules: :mod:`.data` (:func:`build_report`: the figures gathered once as plain data, from
:mod:`transcarbon.services.figures` and the evaluation service, which evaluates the year or reuses its run),
:mod:`.pdf` (:func:`render_pdf`: ReportLab tables, in the embedded CJK font of :mod:`transcarbon.reports.fonts`),
:mod:`.charts` (the PDF's charts, ReportLab's own vector graphics), :mod:`.xlsx` (:func:`render_xlsx`: one sheet
per table, openpyxl), :mod:`.text` (catalog texts in Chinese).
"""

from transcarbon.reports.stage_report.data import build_report
from transcarbon.reports.stage_report.pdf import render_pdf
from transcarbon.reports.stage_report.xlsx import render_xlsx

__all__ = ["build_report", "render_pdf", "render_xlsx"]
