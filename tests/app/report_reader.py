"""Reading a downloaded report back: its HTML parsed, and downloads caught from AppTest.

Shared by the report tests of the binary and multiclass pages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

# --- reading a report back -----------------------------------------------------------------


@dataclass
class ParsedReport:
    """What a report's HTML holds, as read by ``html.parser``."""

    tags: Counter = field(default_factory=Counter)
    urls: list[str] = field(default_factory=list)  # src, href and CSS url() values
    sections: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    tables: dict[str, list[list[tuple[str, float | None]]]] = field(default_factory=dict)
    facts: dict[str, tuple[str, float | None]] = field(default_factory=dict)
    text: str = ""

    def column(self, table: str, name: str) -> dict[str, tuple[str, float | None]]:
        """``{first cell: (text, value)}`` of the column ``name`` of ``table``."""
        head, *rows = self.tables[table]
        i = [h for h, _ in head].index(name)
        return {row[0][0]: row[i] for row in rows}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = ParsedReport()
        self._table: list | None = None
        self._row: list | None = None
        self._cell: list[str] | None = None
        self._value: float | None = None
        self._dt: list[str] | None = None
        self._last_dt = ""
        self._text: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.out.tags[tag] += 1
        for key in ("src", "href", "xlink:href", "action", "poster"):
            if a.get(key):
                self.out.urls.append(a[key])
        for value in a.values():  # style="...", and SVG's clip-path="url(#...)"
            self.out.urls += re.findall(r"url\(([^)]*)\)", value or "")
        if tag == "style":
            self._style = True
        if a.get("id"):
            self.out.ids.append(a["id"])
        if tag == "section":
            self.out.sections.append(a["id"])
        if tag == "figure":
            self.out.charts.append(a["data-chart"])
        if tag == "table":
            self._table = []
            self.out.tables[a["data-table"]] = self._table
        if tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        if tag in ("td", "th", "dd"):
            self._cell = []
            self._value = float(a["data-value"]) if "data-value" in a else None
        if tag == "dt":
            self._dt = []

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False
        if tag in ("td", "th") and self._row is not None:
            self._row.append(("".join(self._cell).strip(), self._value))
            self._cell = None
        if tag == "dt":
            self._last_dt = "".join(self._dt).strip()
            self._dt = None
        if tag == "dd":
            self.out.facts[self._last_dt] = ("".join(self._cell).strip(), self._value)
            self._cell = None
        if tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._style:
            self.out.urls += re.findall(r"url\(([^)]*)\)", data)
            return
        self._text.append(data)
        for part in (self._cell, self._dt):
            if part is not None:
                part.append(data)

    def close(self):
        super().close()
        self.out.text = "".join(self._text)


def parse_report(document: str) -> ParsedReport:
    """Parse a report's HTML (raises on nothing: html.parser is lenient, so check tags)."""
    reader = _Reader()
    reader.feed(document)
    reader.close()
    return reader.out


# --- downloading from the pages --------------------------------------------------------------


@dataclass
class Downloads:
    """The app's download machinery, caught while AppTest makes it."""

    managers: list = field(default_factory=list)
    stores: list = field(default_factory=list)

    def get(self, at: AppTest, label_start: str) -> bytes:
        """Press (as the server would) the download button whose label starts so."""
        button = next(b for b in at.get("download_button") if b.proto.label.startswith(label_start))
        if button.proto.deferred_file_id:
            url = self.managers[-1].execute_deferred(button.proto.deferred_file_id)
        else:
            url = button.proto.url
        return self.stores[-1].get_file(url.rsplit("/", 1)[-1].split(".")[0]).content


def catch_downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    """Keep every media file manager and store the app makes, to run deferred downloads."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    caught = Downloads()
    for cls, sink in ((MediaFileManager, caught.managers), (MemoryMediaFileStorage, caught.stores)):
        original = cls.__init__

        def init(self, *args, _original=original, _sink=sink, **kwargs):
            _original(self, *args, **kwargs)
            _sink.append(self)

        monkeypatch.setattr(cls, "__init__", init)
    return caught


# --- reading a PDF back (poppler-utils) ------------------------------------------------------

POPPLER_MISSING = (
    "poppler-utils (pdfinfo, pdftotext, pdftoppm) is needed to check the PDF: "
    "apt-get install poppler-utils"
)


def need_poppler() -> None:
    """Skip without poppler-utils (fail under CI=true, where the test command installs it)."""
    if shutil.which("pdfinfo") is None or shutil.which("pdftoppm") is None:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(POPPLER_MISSING, pytrace=False)
        pytest.skip(POPPLER_MISSING)


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    """The number of pages of ``pdf``, by pdfinfo."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of ``pdf``, laid out, by pdftotext."""
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout
