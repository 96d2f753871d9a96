"""The little Markdown the pages write, read as styled runs of plain text.

The shared helpers write sentences for ``st.markdown``: ``**bold**``, ``*italic*``, and
user text escaped with :func:`metrics_app.shared.format.escape_markdown` (a backslash
before every Markdown character). A report renders the same sentences, so it reads them
here as runs of plain text with a style, and each renderer writes the runs its own way
(HTML escapes them; the PDF writes them with a bold or italic font). Nothing in the text
can become markup: there is no link, image or HTML syntax to interpret. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Run", "plain", "runs"]


@dataclass(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


def runs(markdown: str) -> list[Run]:
    r"""``markdown`` as styled runs: ``**`` toggles bold, ``*`` italic, ``\x`` is ``x``.

    An unclosed marker styles the rest of the text, as a reader would expect of a typo;
    it never raises.

    >>> [(r.text, r.bold, r.italic) for r in runs(r"**p\_fraud** is *high*")]
    [('p_fraud', True, False), (' is ', False, False), ('high', False, True)]
    """
    out: list[Run] = []
    buf: list[str] = []
    bold = italic = False

    def flush() -> None:
        if buf:
            out.append(Run("".join(buf), bold, italic))
            buf.clear()

    i, n = 0, len(markdown)
    while i < n:
        ch = markdown[i]
        if ch == "\\" and i + 1 < n:
            buf.append(markdown[i + 1])
            i += 2
            continue
        if ch == "*":
            flush()
            if markdown.startswith("**", i):
                bold = not bold
                i += 2
            else:
                italic = not italic
                i += 1
            continue
        buf.append(ch)
        i += 1
    flush()
    return out


def plain(markdown: str) -> str:
    r"""``markdown`` without its markers: the text a reader sees.

    >>> plain(r"**3 rows are** \*fraud\*")
    '3 rows are *fraud*'
    """
    return "".join(r.text for r in runs(markdown))
