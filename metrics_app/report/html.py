"""A report as one self-contained HTML file: inline CSS, charts as inline SVG, no URL.

The file opens anywhere, with no network: the charts are SVG rendered offline by
vl-convert (:mod:`metrics_app.report.images`) and written into the page, the styles are
inline and use the reader's own fonts, and nothing is loaded from elsewhere (the only
links point inside the page). Every text is escaped with :func:`html.escape`, user
text included; the SVG comes from Vega's renderer, which escapes the text it draws.
Each number cell carries its exact value in a ``data-value`` attribute, for readers
that check the report with a program. No Streamlit here.
"""

from __future__ import annotations

import html
import re

from metrics_app.report import images
from metrics_app.report.content import Block, Cell, Chart, Facts, Report, Section, Table, Text
from metrics_app.report.markup import runs

__all__ = ["chart_svg", "render_html"]

# The XML namespace declarations of a standalone SVG: HTML knows an inline <svg> without
# them, and leaving them out keeps the file free of any URL.
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')

_CSS = """
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #e5e7eb;
  --warn-bg: #fffbeb; --warn-line: #f59e0b; --info-bg: #eff6ff; --info-line: #3b82f6; }
* { box-sizing: border-box; }
body { margin: 0; background: #f9fafb; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 28px 48px; background: white; }
h1 { font-size: 1.75rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 12px; padding-bottom: 6px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1rem; margin: 0 0 8px; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
nav ol { margin: 0; padding-left: 1.3em; columns: 2; color: var(--muted); }
nav a { color: inherit; }
p { margin: 8px 0; }
.note { color: var(--muted); font-size: 0.92rem; }
.warning, .info { padding: 8px 12px; border-left: 4px solid; border-radius: 4px; }
.warning { background: var(--warn-bg); border-color: var(--warn-line); }
.info { background: var(--info-bg); border-color: var(--info-line); }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
  gap: 10px 24px; margin: 12px 0; }
dl.facts dt { color: var(--muted); font-size: 0.88rem; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 12px 0 4px; font-size: 0.92rem; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.caption { color: var(--muted); font-size: 0.88rem; margin: 2px 0 12px; }
.figures { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
/* A figure as wide as its chart: the caption wraps at the chart's width. */
figure { display: table; margin: 12px 0; max-width: 100%; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { display: table-caption; caption-side: bottom; color: var(--muted);
  font-size: 0.88rem; margin-top: 4px; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; }
@media print {
  body { background: white; }
  main { padding: 0; max-width: none; }
  nav { display: none; }
  section.new-page { break-before: page; }
  figure, table, dl { break-inside: avoid; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _inline(markdown: str) -> str:
    """The pages' Markdown as escaped HTML with <strong> and <em>."""
    out = []
    for run in runs(markdown):
        text = _e(run.text)
        if run.italic:
            text = f"<em>{text}</em>"
        if run.bold:
            text = f"<strong>{text}</strong>"
        out.append(text)
    return "".join(out)


def _value(cell: Cell) -> str:
    return "" if cell.value is None else f' data-value="{cell.value!r}"'


def _text(block: Text) -> str:
    css = "" if block.tone == "plain" else f' class="{block.tone}"'
    return f"<p{css}>{_inline(block.markdown)}</p>"


def _facts(block: Facts) -> str:
    items = "".join(
        f"<div><dt>{_inline(label)}</dt><dd{_value(cell)}>{_e(cell.text)}</dd></div>"
        for label, cell in block.items
    )
    return f'<dl class="facts">{items}</dl>'


def _table(block: Table) -> str:
    def css(i: int) -> str:
        return ' class="num"' if block.numeric[i] else ""

    head = "".join(f"<th{css(i)}>{_e(c)}</th>" for i, c in enumerate(block.columns))
    body = "".join(
        "<tr>"
        + "".join(f"<td{css(i)}{_value(c)}>{_e(c.text)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in block.rows
    )
    out = (
        f'<table data-table="{_e(block.key)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )
    if block.caption:
        out += f'<p class="caption">{_inline(block.caption)}</p>'
    return out


# An element id of an SVG and the references to it (clip paths, gradients).
_SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def chart_svg(chart: Chart) -> str:
    """The chart as SVG for writing into a page: no namespace URLs, labelled for readers.

    Vega numbers the ids of clip paths with a counter that runs for the whole process,
    so two charts of one page could share an id and clip each other, and the same chart
    would read differently each time. Ids are renamed after the chart, in order.
    """
    svg = _NAMESPACES.sub("", images.svg(chart.spec), count=2)
    names: dict[str, str] = {}
    for match in _SVG_ID.finditer(svg):
        if match.group(1) == 'id="':
            names.setdefault(match.group(2), f"{chart.key}-{len(names) + 1}")
    svg = _SVG_ID.sub(lambda m: m.group(1) + names.get(m.group(2), m.group(2)), svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_e(chart.title)}" ', 1)


def _chart(block: Chart) -> str:
    caption = f"<figcaption>{_inline(block.caption)}</figcaption>" if block.caption else ""
    return (
        f'<figure data-chart="{_e(block.key)}"><h3>{_e(block.title)}</h3>'
        f"{chart_svg(block)}{caption}</figure>"
    )


def _blocks(blocks: tuple[Block, ...]) -> str:
    """The blocks in order; charts next to each other share a row when they fit."""
    out: list[str] = []
    figures: list[str] = []
    for block in (*blocks, None):
        if isinstance(block, Chart):
            figures.append(_chart(block))
            continue
        if figures:
            out.append(f'<div class="figures">{"".join(figures)}</div>')
            figures = []
        if isinstance(block, Text):
            out.append(_text(block))
        elif isinstance(block, Facts):
            out.append(_facts(block))
        elif isinstance(block, Table):
            out.append(_table(block))
    return "".join(out)


def _section(s: Section) -> str:
    css = ' class="new-page"' if s.new_page else ""
    return f'<section id="{_e(s.key)}"{css}><h2>{_e(s.title)}</h2>{_blocks(s.blocks)}</section>'


def render_html(report: Report) -> str:
    """The report as one HTML document that needs nothing else to be read.

    Parameters
    ----------
    report : Report
        From :func:`metrics_app.report.content.build_report`.

    Returns
    -------
    str
        The document (UTF-8 text).
    """
    toc = "".join(f'<li><a href="#{_e(s.key)}">{_e(s.title)}</a></li>' for s in report.sections)
    body = "".join(_section(s) for s in report.sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="Threshold Lab"><title>{_e(report.title)}</title>'
        f"<style>{_CSS}</style></head><body><main>"
        f'<header><h1>{_e(report.title)}</h1><p class="subtitle">{_e(report.subtitle)}</p>'
        f"<nav><ol>{toc}</ol></nav></header>{body}"
        "<footer>This file is self-contained: it needs no network and no other file. "
        "Charts are drawn in the page as SVG; the numbers in the tables come from the same "
        "computations as the app's pages.</footer></main></body></html>\n"
    )
