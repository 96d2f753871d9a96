"""A report as PDF, composed offline with fpdf2 (pure Python), charts as PNG from vl-convert.

The PDF says what the HTML report says, from the same :class:`~metrics_app.report.content.Report`:
the same sections in the same order, the same tables and the same charts. A section
marked ``new_page`` starts a page, so a report that fits has one page per such section
plus the first. Text is set in a Unicode TrueType font of the machine (DejaVu Sans or
Liberation Sans, which Debian installs with most desktops and with Chromium) and
embedded, so the file reads the same everywhere; without one, the PDF's built-in
Helvetica is used and the few characters it lacks (≥, −, κ, …) are spelt out. No
Streamlit here.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from metrics_app.report import images
from metrics_app.report.content import Block, Chart, Facts, Report, Section, Table, Text
from metrics_app.report.markup import Run, plain, runs

__all__ = ["find_font", "render_pdf"]

#: Where the machine's TrueType fonts may be.
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
    Path("C:/Windows/Fonts"),
)

#: Font families tried in turn: file names for regular, bold, italic and bold italic.
FONT_FAMILIES = (
    (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
    ),
    (
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        "LiberationSans-Italic.ttf",
        "LiberationSans-BoldItalic.ttf",
    ),
)

# What Helvetica (Latin-1) cannot show, spelt with characters it can.
_LATIN1 = str.maketrans(
    {
        "≥": ">=",
        "≤": "<=",
        "−": "-",
        "–": "-",
        "—": "-",
        "…": "...",
        "κ": "kappa",
        "√": "sqrt",
        "→": "->",
        "∞": "inf",
        "’": "'",
        "“": '"',
        "”": '"',
    }
)

_MM_PER_PX = 25.4 / 96  # a CSS pixel
_INK = (17, 24, 39)
_MUTED = (75, 85, 99)
_LINE = (229, 231, 235)
_HEAD_FILL = (243, 244, 246)
_TONES = {"warning": (245, 158, 11), "info": (59, 130, 246)}


@dataclass(frozen=True)
class FontFiles:
    """A Unicode font family's four files."""

    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


def _find(name: str, dirs: Sequence[Path]) -> Path | None:
    for root in dirs:
        direct = root / name
        if direct.is_file():
            return direct
        if root.is_dir():
            found = next(iter(sorted(root.rglob(name))), None)
            if found is not None:
                return found
    return None


def find_font(dirs: Sequence[Path] = FONT_DIRS) -> FontFiles | None:
    """The first family of :data:`FONT_FAMILIES` found in ``dirs``, or None.

    A family needs its regular and bold files; a missing italic is set upright (Debian's
    fonts-dejavu-core, which fontconfig pulls in, has no italic DejaVu Sans).
    """
    for names in FONT_FAMILIES:
        regular, bold, italic, bold_italic = (_find(n, dirs) for n in names)
        if regular is not None and bold is not None:
            return FontFiles(regular, bold, italic or regular, bold_italic or bold)
    return None


class _Document(FPDF):
    """A4 pages with the report's title and the page number at the foot."""

    def __init__(self, title: str, font: FontFiles | None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=16)
        self.unicode = font is not None
        if font is not None:
            self.add_font("report", "", font.regular)
            self.add_font("report", "B", font.bold)
            self.add_font("report", "I", font.italic)
            self.add_font("report", "BI", font.bold_italic)
            self.face = "report"
        else:
            self.face = "helvetica"
        self.set_title(self.safe(title))
        self.set_creator("Threshold Lab")

    def safe(self, s: str) -> str:
        """``s`` as the font can show it."""
        if self.unicode:
            return s
        return s.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    def style(self, size: float, emphasis: str = "", colour: tuple[int, int, int] = _INK) -> None:
        self.set_font(self.face, emphasis, size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-11)
        self.style(7.5, colour=_MUTED)
        self.cell(0, 4, self.safe(self.report_title), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")


def _write_runs(pdf: _Document, parts: Sequence[Run], size: float, colour: tuple) -> None:
    height = size * 0.5
    for run in parts:
        emphasis = ("B" if run.bold else "") + ("I" if run.italic else "")
        pdf.style(size, emphasis, colour)
        pdf.write(height, pdf.safe(run.text))
    pdf.ln(height)


def _text(pdf: _Document, block: Text) -> None:
    size = 8.5 if block.tone == "note" else 9.5
    colour = _MUTED if block.tone == "note" else _INK
    bar = _TONES.get(block.tone)
    pdf.ln(1.5)
    if bar is None:
        _write_runs(pdf, runs(block.markdown), size, colour)
        return
    left = pdf.l_margin
    top_page, top = pdf.page_no(), pdf.get_y()
    pdf.set_left_margin(left + 4)
    pdf.set_x(left + 4)
    _write_runs(pdf, runs(block.markdown), size, colour)
    pdf.set_left_margin(left)
    if pdf.page_no() == top_page:  # a bar across a page break would be wrong on both pages
        pdf.set_draw_color(*bar)
        pdf.set_line_width(1.0)
        pdf.line(left + 1, top, left + 1, pdf.get_y())


def _facts(pdf: _Document, block: Facts) -> None:
    """Facts in two columns of label and value, read down the first column, then the second."""
    pdf.ln(1.5)
    pdf.style(8.5)
    pairs = list(block.items)
    half = (len(pairs) + 1) // 2
    label_style = FontFace(color=_MUTED)
    with pdf.table(
        col_widths=(17, 33, 17, 33),
        first_row_as_headings=False,
        borders_layout="NONE",
        text_align="LEFT",
        v_align="TOP",
        line_height=4.2,
        padding=(0.8, 1.5, 0.8, 0),
    ) as table:
        for left, right in zip(pairs[:half], [*pairs[half:], None], strict=False):
            row = table.row()
            for pair in (left, right):
                label, text = ("", "") if pair is None else (plain(pair[0]), pair[1].text)
                row.cell(pdf.safe(label), style=label_style)
                row.cell(pdf.safe(text))


def _widths(pdf: _Document, block: Table) -> list[float]:
    """Column widths in mm: numbers and short texts as wide as they need, long texts share the rest.

    A column is never narrower than its longest heading word, so headings wrap between
    words only.
    """
    pad = 3.5
    natural = [
        max([0.0, *(pdf.get_string_width(pdf.safe(r[i].text)) for r in block.rows)]) + pad
        for i in range(len(block.columns))
    ]
    pdf.style(8, "B")  # headings are bold
    floor = [
        max(pdf.get_string_width(w) for w in (pdf.safe(name).split() or [""])) + pad
        for name in block.columns
    ]
    pdf.style(8)
    natural = [max(n, f) for n, f in zip(natural, floor, strict=True)]
    room = pdf.epw
    if sum(natural) <= room:
        return natural
    fixed = [block.numeric[i] or natural[i] <= 28 for i in range(len(natural))]
    free = room - sum(n for n, f in zip(natural, fixed, strict=True) if f)
    flexible = sum(n for n, f in zip(natural, fixed, strict=True) if not f)
    widths = [
        n if f else max(floor[i], free * n / flexible)
        for i, (n, f) in enumerate(zip(natural, fixed, strict=True))
    ]
    scale = min(1.0, room / sum(widths))  # when the fixed columns alone are too wide
    return [w * scale for w in widths]


def _table(pdf: _Document, block: Table) -> None:
    pdf.ln(2)
    pdf.style(8)
    align = tuple("RIGHT" if n else "LEFT" for n in block.numeric)
    widths = _widths(pdf, block)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=align,
        v_align="TOP",
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD_FILL),
        line_height=4,
        padding=(1, 1.5, 1, 1.5),
    ) as table:
        pdf.set_draw_color(*_LINE)
        head = table.row()
        for name in block.columns:
            head.cell(pdf.safe(name))
        for cells in block.rows:
            row = table.row()
            for c in cells:
                row.cell(pdf.safe(c.text))
    if block.caption:
        pdf.ln(0.5)
        _write_runs(pdf, runs(block.caption), 7.5, _MUTED)


def _chart(pdf: _Document, block: Chart, max_width: float) -> None:
    image = images.png(block.spec)
    width_px, height_px = struct.unpack(">II", image[16:24])  # the PNG header's IHDR chunk
    width = min(width_px / images.PNG_SCALE * _MM_PER_PX, max_width)
    height = width * height_px / width_px
    caption_room = 10 if block.caption else 0
    if pdf.get_y() + 6 + height + caption_room > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    pdf.style(9.5, "B")
    pdf.cell(0, 5, pdf.safe(block.title), new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(image), x=pdf.l_margin, w=width, h=height, alt_text=block.title)
    if block.caption:
        pdf.ln(1)
        _write_runs(pdf, runs(block.caption), 7.5, _MUTED)


# Widest a chart is drawn, by chart: the curves are drawn smaller so that both share a page.
_CHART_WIDTH = {
    "roc_curve": 105.0,
    "pr_curve": 105.0,
    "confusion_matrix": 80.0,
    "base_rate": 110.0,
}


def _blocks(pdf: _Document, blocks: Sequence[Block]) -> None:
    for block in blocks:
        if isinstance(block, Text):
            _text(pdf, block)
        elif isinstance(block, Facts):
            _facts(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        elif isinstance(block, Chart):
            _chart(pdf, block, _CHART_WIDTH.get(block.key, pdf.epw))


def _section(pdf: _Document, s: Section) -> None:
    if s.new_page:
        pdf.add_page()
    else:
        pdf.ln(5)
    pdf.style(13, "B")
    pdf.cell(0, 7, pdf.safe(s.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*_LINE)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(1)
    _blocks(pdf, s.blocks)


def render_pdf(report: Report, font_dirs: Sequence[Path] = FONT_DIRS) -> bytes:
    """The report as a PDF document.

    Parameters
    ----------
    report : Report
        From :func:`metrics_app.report.content.build_report`.
    font_dirs : sequence of Path, default=FONT_DIRS
        Where to look for a Unicode font (:func:`find_font`); with none found there, the
        PDF's built-in Helvetica is used.

    Returns
    -------
    bytes
        The PDF file.
    """
    pdf = _Document(report.title, find_font(font_dirs))
    pdf.add_page()
    pdf.style(18, "B")
    pdf.multi_cell(0, 8, pdf.safe(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.style(9, colour=_MUTED)
    pdf.multi_cell(0, 5, pdf.safe(report.subtitle), new_x="LMARGIN", new_y="NEXT")
    for s in report.sections:
        _section(pdf, s)
    return bytes(pdf.output())
