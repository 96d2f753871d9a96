"""Lessons 3 and 4: the metric formulas in LaTeX, with the counts and values filled in.

Each value on the right of a formula is the one :mod:`metrics_core` computed
("undefined" when it divides by zero), so formula and result cannot disagree.
Numbers are written by :mod:`metrics_app.shared.format`, made LaTeX-safe here.
"""

from __future__ import annotations

import math

from metrics_app.shared import format as fmt
from metrics_core import OperatingPoint

__all__ = ["f1_latex", "formula_latex", "kappa_latex"]


def _tex_count(x: float) -> str:
    # A bare comma is LaTeX punctuation (it adds space after it); braces keep it a separator.
    return fmt.count(x).replace(",", "{,}")


def _tex_value(v: float) -> str:
    return r"\text{" + fmt.UNDEFINED + "}" if math.isnan(v) else fmt.decimal(v)


def _frac(top: str, bottom: str) -> str:
    return r"\frac{" + top + "}{" + bottom + "}"


def formula_latex(point: OperatingPoint) -> dict[str, str]:
    """LaTeX of precision, recall, F1, specificity, accuracy and FPR with the counts filled in.

    Parameters
    ----------
    point : OperatingPoint
        Counts at one threshold.

    Returns
    -------
    dict of str to str
        One formula per metric, keyed "precision", "recall", "f1", "specificity",
        "accuracy", "fpr" (false positive rate, 1 - specificity), in that order.
    """
    tp, fp, fn, tn = (_tex_count(c) for c in (point.tp, point.fp, point.fn, point.tn))
    s_tp, s_fp, s_fn, s_tn = (r"\text{" + name + "}" for name in ("TP", "FP", "FN", "TN"))
    times, thin = r" \times ", r"\,"
    rows = {
        "precision": (
            (s_tp, f"{s_tp} + {s_fp}"),
            (tp, f"{tp} + {fp}"),
            point.precision,
        ),
        "recall": ((s_tp, f"{s_tp} + {s_fn}"), (tp, f"{tp} + {fn}"), point.recall),
        "f1": (
            ("2" + thin + s_tp, f"2{thin}{s_tp} + {s_fp} + {s_fn}"),
            ("2" + times + tp, f"2{times}{tp} + {fp} + {fn}"),
            point.f1,
        ),
        "specificity": ((s_tn, f"{s_tn} + {s_fp}"), (tn, f"{tn} + {fp}"), point.specificity),
        "accuracy": (
            (f"{s_tp} + {s_tn}", f"{s_tp} + {s_fp} + {s_fn} + {s_tn}"),
            (f"{tp} + {tn}", f"{tp} + {fp} + {fn} + {tn}"),
            point.accuracy,
        ),
        "fpr": ((s_fp, f"{s_fp} + {s_tn}"), (fp, f"{fp} + {tn}"), point.fpr),
    }
    out = {}
    for key, (symbols, numbers, value) in rows.items():
        name = {"f1": "F_1", "fpr": r"\text{false positive rate}"}.get(key, r"\text{" + key + "}")
        if key in _TWO_LINES:
            # Four counts side by side overflow a 1024 px window: symbols above, numbers below.
            lines = rf"\begin{{aligned}} {name} &= {_frac(*symbols)} \\ &= {_frac(*numbers)}"
            out[key] = lines + rf" \end{{aligned}} = {_tex_value(value)}"
        else:
            out[key] = " = ".join([name, _frac(*symbols), _frac(*numbers), _tex_value(value)])
    return out


#: The formulas long enough to be written on two lines.
_TWO_LINES = frozenset({"f1", "accuracy"})


def f1_latex(point: OperatingPoint, beta: float = 1.0) -> str:
    """F1 (or F-beta) as a mean of precision and recall, with their values filled in.

    The result on the right is :mod:`metrics_core`'s F-beta of ``point``'s
    counts, which equals the harmonic form whenever it is defined.
    """
    p, r = _tex_value(point.precision), _tex_value(point.recall)
    if beta == 1:
        return (
            r"F_1 = \frac{2 \cdot P \cdot R}{P + R} = "
            rf"\frac{{2 \times {p} \times {r}}}{{{p} + {r}}} = {_tex_value(point.f1)}"
        )
    b2 = f"{fmt.significant(beta)}^2"
    return (
        r"F_\beta = \frac{(1 + \beta^2)\, P \cdot R}{\beta^2 P + R} = "
        rf"\frac{{(1 + {b2}) \times {p} \times {r}}}{{{b2} \times {p} + {r}}} = "
        rf"{_tex_value(point.fbeta(beta))}"
    )


def kappa_latex(p_o: float, p_e: float, kappa: float) -> str:
    """Cohen's kappa with its observed and chance agreement filled in."""
    return (
        r"\kappa = \frac{p_o - p_e}{1 - p_e} = "
        + _frac(f"{fmt.decimal(p_o, 4)} - {fmt.decimal(p_e, 4)}", f"1 - {fmt.decimal(p_e, 4)}")
        + f" = {_tex_value(kappa)}"
    )
