"""Epochs: which training epoch (or checkpoint) is best, and when the model began to overfit.

Layout and wording only: the epochs, their curves and the overfitting rule come from
metrics_app.epochs; caches and controls are in metrics_app.epochs.state.
"""

import streamlit as st

from metrics_app.curves import charts as curve_charts
from metrics_app.data import DataError
from metrics_app.epochs import charts as epoch_charts
from metrics_app.epochs import model
from metrics_app.epochs import state as epochs_state
from metrics_app.explorer import model as explorer
from metrics_app.shared import charts, frame, session, widgets
from metrics_app.shared.format import escape_markdown

frame.run_inside_frame()

st.title("Epochs and checkpoints", anchor=False)


def history_view(source: session.Source) -> None:
    """Train-against-validation curves of a training history, with the overfitting signal."""
    try:
        hist = epochs_state.history(source)
    except DataError as err:
        st.error(str(err), icon=":material/error:")
        return
    st.caption(
        f"**{escape_markdown(source.name)}** is a training history: {len(hist)} epochs, "
        f"metrics {', '.join(f'**{escape_markdown(m)}**' for m in hist.metrics)}, each with "
        "its validation value."
    )
    signal_metric = model.signal_metric(hist)
    signal = model.overfitting(hist, signal_metric)
    for sentence in model.overfitting_sentences(hist, signal):
        st.markdown(f"- {sentence}")
    st.caption(
        f"Rule: the gap grows steadily from the first epoch after which it widens "
        f"{model.GAP_RUN} epochs in a row and is still wider at the last epoch. On each "
        "chart the solid green line marks the best validation value, the dashed red line "
        "where that metric's gap starts to grow."
    )
    for metric in model.chart_order(hist):
        best, gap_start = model.marked_epochs(hist, metric)
        st.markdown(f"**{escape_markdown(metric)}: training and validation**")
        widgets.altair_chart(
            epoch_charts.history_chart(
                model.history_frame(hist, metric), metric=metric, best=best, gap_start=gap_start
            ),
            width="stretch",
        )
    with st.expander("Every epoch, as read"):
        st.dataframe(model.history_table(hist), hide_index=True)


def epoch_detail(data: model.EpochData, i: int, t: float) -> None:
    """The explorer and the curves of one epoch, at the page's threshold."""
    point = model.epoch_point(data, i, t)
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**Confusion matrix**")
        cells = charts.confusion_frame(point, data.positive_name, data.negative_name)
        widgets.altair_chart(charts.confusion_chart(cells), width="stretch")
    with right:
        widgets.card_row(model.epoch_cards(data, i))
    widgets.card_row(explorer.metric_cards(point))
    name = model.model_name(data, i)
    roc, pr = st.columns(2)
    with roc:
        st.markdown("**ROC curve**")
        widgets.altair_chart(
            curve_charts.roc_chart(model.roc_frame(data, i, t), point, primary=name, pick=None),
            width="stretch",
        )
    with pr:
        st.markdown("**Precision-recall curve**")
        widgets.altair_chart(
            curve_charts.pr_chart(
                model.pr_frame(data, i, t),
                point,
                primary=name,
                prevalence=model.prevalence(data, i),
                pick=None,
            ),
            width="stretch",
        )


def epochs_view(source: session.Source, layout: model.Layout) -> None:
    """Per-epoch metrics, the best epoch and one epoch in detail."""
    selection: session.Selection | None = st.session_state.get(session.SELECTION)
    if selection is None:
        error = st.session_state.get(session.SELECTION_ERROR)
        st.error(
            error or "Choose the label column and the positive class in the sidebar.",
            icon=":material/error:",
        )
        return
    try:
        with st.spinner("Sorting every epoch's scores…"):
            data = epochs_state.epoch_data(source, layout, selection)
    except DataError as err:
        st.error(str(err), icon=":material/error:")
        return
    where = (
        f"epoch column **{escape_markdown(layout.epoch_column)}**, score column "
        f"**{escape_markdown(data.score_name)}**"
        if layout.kind == "long"
        else f"one score column per epoch (**{escape_markdown(data.score_name)}**)"
    )
    st.caption(
        f"**{escape_markdown(source.name)}** · {len(data)} epochs · {where} · positive class "
        f"**{escape_markdown(data.positive_name)}**."
    )
    note = model.exclusion_note(data)
    if note:
        st.warning(note, icon=":material/warning:")
    key = epochs_state.choice_key(source, layout, selection)
    t = epochs_state.threshold_control(data, key)
    options = model.best_metric_options(data)
    metric = st.selectbox(
        "Best epoch by",
        options,
        format_func=model.metric_label,
        key=epochs_state.BEST,
    )
    best = model.best_of(data, metric, t)
    st.markdown(model.best_sentence(data, metric, t))
    i = epochs_state.epoch_control(data, key, best)
    epoch_lines(data, metric, best, i, t)
    st.subheader(f"Epoch {escape_markdown(data.epoch_text(i))}", anchor=False)
    epoch_detail(data, i, t)
    with st.expander("Every epoch in a table"):
        st.dataframe(model.epoch_table(data, t), hide_index=True)


def epoch_lines(data: model.EpochData, metric: str, best: int, i: int, t: float) -> None:
    """The per-epoch lines with the best and the shown epoch marked, and log loss."""
    best_text = data.epoch_text(best) if best >= 0 else None
    st.markdown("**ROC AUC, average precision and the metrics at the threshold, per epoch**")
    st.caption(
        "Solid green line: the best epoch by the chosen metric; dashed line: the epoch shown below."
    )
    widgets.altair_chart(
        epoch_charts.epoch_lines_chart(
            model.lines_frame(data, t),
            best=best_text,
            chosen=data.epoch_text(i),
            best_label=model.metric_label(metric),
        ),
        width="stretch",
    )
    if data.kind == "probability":
        st.markdown("**Log loss per epoch**")
        lowest = model.best_of(data, "log_loss", t)
        widgets.altair_chart(
            epoch_charts.loss_chart(
                model.loss_frame(data),
                best=data.epoch_text(lowest) if lowest >= 0 else None,
                chosen=data.epoch_text(i),
            ),
            width="stretch",
        )


source: session.Source | None = st.session_state.get(session.SOURCE)
if source is None:
    st.info(model.NEEDS)
else:
    kind, layout = epochs_state.detect(source)
    if kind == "history":
        history_view(source)
    elif layout is None:
        st.info(
            f"**{escape_markdown(source.name)}** holds no epochs. " + model.NEEDS,
            icon=":material/info:",
        )
    else:
        epochs_view(source, layout)
