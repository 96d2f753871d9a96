"""Exact, vectorised metrics of a binary classifier's scores at any threshold.

Rule used everywhere: a sample is predicted positive when
``score >= threshold``.

- :func:`sweep` sorts once and returns a :class:`Sweep` with cumulative
  counts at every distinct score; ``Sweep.at(t)`` answers in O(log n).
- :mod:`metrics_core.metrics` holds every point metric as one formula over
  ``(tp, fp, fn, tn)``; a zero denominator gives ``nan`` (undefined).
- ``roc_curve``, ``precision_recall_curve``, ``roc_auc_score``,
  ``average_precision_score``, ``auc`` and ``confusion_matrix`` have
  scikit-learn's names, signatures and return conventions.

Multiclass: :mod:`metrics_core.multiclass` (label metrics from one confusion
matrix), :mod:`metrics_core.multiclass_ranking` (one-vs-rest sweeps, AUC, AP,
top-k accuracy, log loss of a score matrix) and
:mod:`metrics_core.multiclass_decision` (decision rules for a score matrix).

Naming: ``*_curve`` functions return arrays; ``*_score`` and ``auc`` return
a float where higher is better.
"""

from metrics_core._sweep import (
    OperatingPoint,
    Sweep,
    sweep,
    sweep_clean,
    sweep_from_counts,
    sweep_from_label_counts,
)
from metrics_core.calibration import (
    CalibrationBins,
    brier_score_loss,
    calibration_bins,
    calibration_curve,
    log_loss,
)
from metrics_core.classification import confusion_matrix
from metrics_core.decimate import decimate, sweep_sample
from metrics_core.decision import (
    CostBreakdown,
    CostCurve,
    Costs,
    Interval,
    Transition,
    at_prevalence,
    average_precision_interval,
    bootstrap_intervals,
    compare_thresholds,
    cost_curve,
    roc_auc_delong,
    roc_auc_interval,
    sum_below,
)
from metrics_core.epochs import (
    EpochCurves,
    best_epoch,
    epoch_curves,
    epoch_curves_wide,
    epoch_sweeps,
)
from metrics_core.gains import (
    gains_curve,
    ks_statistic,
    lift_curve,
    sweep_average_precision,
    sweep_rank_scores,
    sweep_roc_auc,
)
from metrics_core.groups import (
    RULES,
    Gap,
    GroupPoints,
    GroupThresholds,
    group_gaps,
    group_points,
    group_sweeps,
    group_thresholds,
)
from metrics_core.metrics import METRICS
from metrics_core.multiclass import (
    accuracy_score,
    balanced_accuracy_score,
    classification_report,
    cohen_kappa_score,
    matthews_corrcoef,
    precision_recall_fscore_support,
)
from metrics_core.multiclass_decision import (
    ABSTAIN,
    abstention_curve,
    expected_costs,
    predict_argmax,
    predict_min_expected_cost,
    predict_with_thresholds,
)
from metrics_core.multiclass_ranking import (
    micro_precision_recall_curve,
    micro_roc_curve,
    micro_sweep,
    multiclass_average_precision_score,
    multiclass_log_loss,
    multiclass_roc_auc_score,
    ovr_sweeps,
    top_k_accuracy_score,
)
from metrics_core.paired import (
    DelongResult,
    McNemarResult,
    average_precision_difference,
    delong_test,
    mcnemar_test,
)
from metrics_core.ranking import (
    UndefinedMetricWarning,
    auc,
    average_precision_score,
    det_curve,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from metrics_core.thresholds import (
    ThresholdChoice,
    ThresholdSearch,
    best_threshold,
    threshold_for_capacity,
    threshold_for_fpr,
    threshold_for_precision,
    threshold_for_recall,
)

__all__ = [
    "ABSTAIN",
    "METRICS",
    "RULES",
    "CalibrationBins",
    "CostBreakdown",
    "CostCurve",
    "Costs",
    "DelongResult",
    "EpochCurves",
    "Gap",
    "GroupPoints",
    "GroupThresholds",
    "Interval",
    "McNemarResult",
    "OperatingPoint",
    "Sweep",
    "ThresholdChoice",
    "ThresholdSearch",
    "Transition",
    "UndefinedMetricWarning",
    "abstention_curve",
    "accuracy_score",
    "at_prevalence",
    "auc",
    "average_precision_difference",
    "average_precision_interval",
    "average_precision_score",
    "balanced_accuracy_score",
    "best_epoch",
    "best_threshold",
    "bootstrap_intervals",
    "brier_score_loss",
    "calibration_bins",
    "calibration_curve",
    "classification_report",
    "cohen_kappa_score",
    "compare_thresholds",
    "confusion_matrix",
    "cost_curve",
    "decimate",
    "delong_test",
    "det_curve",
    "epoch_curves",
    "epoch_curves_wide",
    "epoch_sweeps",
    "expected_costs",
    "gains_curve",
    "group_gaps",
    "group_points",
    "group_sweeps",
    "group_thresholds",
    "ks_statistic",
    "lift_curve",
    "log_loss",
    "matthews_corrcoef",
    "mcnemar_test",
    "micro_precision_recall_curve",
    "micro_roc_curve",
    "micro_sweep",
    "multiclass_average_precision_score",
    "multiclass_log_loss",
    "multiclass_roc_auc_score",
    "ovr_sweeps",
    "precision_recall_curve",
    "precision_recall_fscore_support",
    "predict_argmax",
    "predict_min_expected_cost",
    "predict_with_thresholds",
    "roc_auc_delong",
    "roc_auc_interval",
    "roc_auc_score",
    "roc_curve",
    "sum_below",
    "sweep",
    "sweep_average_precision",
    "sweep_clean",
    "sweep_from_counts",
    "sweep_from_label_counts",
    "sweep_rank_scores",
    "sweep_roc_auc",
    "sweep_sample",
    "threshold_for_capacity",
    "threshold_for_fpr",
    "threshold_for_precision",
    "threshold_for_recall",
    "top_k_accuracy_score",
]
