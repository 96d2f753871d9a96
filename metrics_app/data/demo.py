"""Built-in demo datasets for Threshold Lab.

Each demo is a small, fully synthetic table of labels and classifier scores, generated
deterministically from fixed seeds (no downloads, no files), chosen so that moving the
threshold teaches one specific lesson:

* ``fraud`` -- the accuracy paradox on a rare positive class, plus a second model to compare.
* ``circles`` -- a non-linear boundary that a small neural net learns and a linear model cannot.
* ``spam`` -- real-valued logits (not probabilities) where false positives are costly.
* ``screening`` -- a rare disease where misses are costly, with a heavily tied integer score.

This module deliberately imports neither Streamlit nor Altair: the app wraps
:func:`load_demo` in its own cache, and keeping the generators UI-free keeps them testable.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_DEMO", "DEMOS", "Demo", "load_demo"]

# One independent seed per demo, so tweaking one generator never changes another demo.
_FRAUD_SEED = 20_240_101
_CIRCLES_SEED = 0
_SPAM_SEED = 7
_SCREENING_SEED = 11


@dataclass(frozen=True)
class Demo:
    """Metadata describing one built-in demo dataset.

    Attributes
    ----------
    key : str
        Stable identifier, also the key in :data:`DEMOS`.
    title : str
        Human-readable name shown in the UI.
    summary : str
        One line saying what the demo illustrates.
    label : str
        Name of the label column.
    scores : tuple of str
        Score column names; the first one is the default.
    positive : object
        Value of the label column that counts as the positive class.
    weight : str or None
        Name of the sample-weight column, or None if rows are unweighted.
    build : callable
        Zero-argument function that generates the data frame (deterministic).
    """

    key: str
    title: str
    summary: str
    label: str
    scores: tuple[str, ...]
    positive: object
    weight: str | None
    build: Callable[[], pd.DataFrame]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp(-logaddexp(0, -x)) == 1 / (1 + exp(-x)) but never overflows for very negative
    # logits; an overflow RuntimeWarning would be an error under the test suite's settings.
    return np.exp(-np.logaddexp(0.0, -x))


def _build_fraud() -> pd.DataFrame:
    """Generate ~100,000 card transactions with ~1% fraud and two model scores."""
    rng = np.random.default_rng(_FRAUD_SEED)
    n = 100_000
    is_fraud = rng.random(n) < 0.01

    # Log-amounts: legit median ~$30, fraud median ~$75 (fraudsters cash out bigger baskets),
    # with heavily overlapping tails so that amount alone is a weak signal.
    log_amount = np.where(is_fraud, rng.normal(4.3, 1.2, n), rng.normal(3.4, 1.0, n))
    amount = np.round(np.exp(log_amount), 2)

    # A latent "suspiciousness" that a model could learn in principle. Both models see it
    # through noise (v2 through less noise) plus the amount, so their scores are correlated
    # like a retrained model and its predecessor, and v2 is better everywhere on the curve.
    latent = np.where(is_fraud, rng.normal(2.6, 1.0, n), rng.normal(0.0, 1.0, n))
    amount_feature = log_amount - 3.4
    # The very negative intercept mimics a model trained on 1% positives: it rarely dares to
    # say "fraud" above 0.5, which is what produces the accuracy paradox at the default cut.
    v1_logit = -5.4 + 1.25 * (latent + rng.normal(0.0, 0.9, n)) + 0.35 * amount_feature
    v2_logit = -5.6 + 1.9 * (latent + rng.normal(0.0, 0.35, n)) + 0.4 * amount_feature

    return pd.DataFrame(
        {
            "transaction_id": np.arange(1_000_001, 1_000_001 + n, dtype=np.int64),
            "amount": amount,
            "is_fraud": np.where(is_fraud, "fraud", "legit"),
            "model_score": _sigmoid(v1_logit),
            "model_v2_score": _sigmoid(v2_logit),
        }
    )


def _build_circles() -> pd.DataFrame:
    """Score the test half of ``make_circles`` with a small MLP and a logistic regression."""
    # scikit-learn (and SciPy, ~200 MiB resident) is imported by the demos that train a
    # model, when they are first built: the default demo and every upload need neither.
    from sklearn.datasets import make_circles
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    x, y = make_circles(n_samples=4_000, noise=0.2, factor=0.5, random_state=_CIRCLES_SEED)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.5, stratify=y, random_state=_CIRCLES_SEED
    )

    # L-BFGS rather than the default Adam: on 2,000 points it converges in ~300 iterations
    # and ~0.2 s (Adam needs ~1.5 s for the same AUC). max_iter leaves a wide margin above
    # that so no ConvergenceWarning is emitted, instead of silencing the warning.
    mlp = MLPClassifier(
        hidden_layer_sizes=(16,), solver="lbfgs", max_iter=2_000, random_state=_CIRCLES_SEED
    )
    mlp.fit(x_train, y_train)
    # A linear boundary cannot separate concentric rings, so this scores ~0.5 for everyone;
    # it is here as the cautionary contrast, not as a competitor.
    logistic = LogisticRegression()
    logistic.fit(x_train, y_train)

    # make_circles labels the outer ring 0 and the inner ring 1.
    return pd.DataFrame(
        {
            "x1": x_test[:, 0],
            "x2": x_test[:, 1],
            "label": np.where(y_test == 1, "inner", "outer"),
            "mlp_score": mlp.predict_proba(x_test)[:, 1].astype(np.float64),
            "logistic_score": logistic.predict_proba(x_test)[:, 1].astype(np.float64),
        }
    )


def _build_spam() -> pd.DataFrame:
    """Generate ~5,000 emails (~35% spam) scored with a raw logit."""
    rng = np.random.default_rng(_SPAM_SEED)
    n = 5_000
    is_spam = rng.random(n) < 0.35

    # Two sub-populations per class make the overlap realistic: most spam is blatant, but
    # some is crafted to look legitimate; most ham is personal mail, but newsletters and
    # receipts look spammy. Those newsletters are the false positives that precision counts.
    blatant = rng.random(n) < 0.7
    newsletter = rng.random(n) < 0.15
    spam_logit = np.where(
        is_spam,
        np.where(blatant, rng.normal(4.0, 1.4, n), rng.normal(0.3, 1.5, n)),
        np.where(newsletter, rng.normal(-0.8, 1.4, n), rng.normal(-4.2, 1.3, n)),
    )

    return pd.DataFrame(
        {
            "email_id": np.arange(1, n + 1, dtype=np.int64),
            "label": np.where(is_spam, "spam", "ham"),
            # Left as a logit on purpose: it exercises the app's "scores are not
            # probabilities" path, where thresholds live on the real line, not in [0, 1].
            "spam_logit": spam_logit,
        }
    )


def _build_screening() -> pd.DataFrame:
    """Generate ~20,000 screened patients (~5% disease) with a lab test and a clinical score."""
    rng = np.random.default_rng(_SCREENING_SEED)
    n = 20_000
    age = rng.integers(40, 80, n)
    # Prevalence rises with age, so age carries some signal in the clinical risk score.
    disease_logit = -3.0 + 0.05 * (age - 60)
    has_disease = rng.random(n) < _sigmoid(disease_logit)

    # Lab test: a continuous biomarker mapped through a sigmoid, good but not perfect.
    biomarker = np.where(has_disease, rng.normal(1.9, 1.0, n), rng.normal(0.0, 1.0, n))
    test_score = _sigmoid(-4.0 + 1.6 * biomarker)

    # Clinical risk score: a 0-10 point checklist (age, symptoms), weaker than the lab test
    # and coarse on purpose, so that thousands of patients share each value and a threshold
    # cannot fall between tied patients.
    risk_latent = 0.06 * (age - 60) + np.where(has_disease, 1.0, 0.0) + rng.normal(0.0, 1.0, n)
    # Go through int64 so that rounding never leaves a -0.0 behind.
    risk_score = np.clip(np.rint(3.0 + 1.6 * risk_latent), 0, 10).astype(np.int64)

    return pd.DataFrame(
        {
            "patient_id": np.arange(1, n + 1, dtype=np.int64),
            "age": age.astype(np.int64),
            "diagnosis": np.where(has_disease, "disease", "healthy"),
            "test_score": test_score,
            # float64 like every other score column, so downstream code sees one dtype.
            "risk_score": risk_score.astype(np.float64),
        }
    )


DEMOS: dict[str, Demo] = {
    demo.key: demo
    for demo in (
        Demo(
            key="fraud",
            title="Card fraud (1% positives)",
            summary=(
                "99% accuracy at 0.5 while most fraud slips through: the accuracy paradox "
                "when positives are rare."
            ),
            label="is_fraud",
            scores=("model_score", "model_v2_score"),
            positive="fraud",
            weight=None,
            build=_build_fraud,
        ),
        Demo(
            key="circles",
            title="Two circles (non-linear boundary)",
            summary=(
                "A small neural net separates two noisy rings; logistic regression cannot "
                "(AUC ~0.5)."
            ),
            label="label",
            scores=("mlp_score", "logistic_score"),
            positive="inner",
            weight=None,
            build=_build_circles,
        ),
        Demo(
            key="spam",
            title="Spam filter (logit scores)",
            summary=(
                "Scores are logits, not probabilities; a false positive hides a real email, "
                "so precision matters."
            ),
            label="label",
            scores=("spam_logit",),
            positive="spam",
            weight=None,
            build=_build_spam,
        ),
        Demo(
            key="screening",
            title="Disease screening (5% prevalence)",
            summary=(
                "A miss sends a sick patient home, so recall matters; the 0-10 risk score "
                "shows tied thresholds."
            ),
            label="diagnosis",
            scores=("test_score", "risk_score"),
            positive="disease",
            weight=None,
            build=_build_screening,
        ),
    )
}
"""Built-in demos by key, in display order."""

DEFAULT_DEMO = "fraud"
"""Key of the demo shown when the app starts."""


def load_demo(key: str) -> pd.DataFrame:
    """Generate the data frame of a built-in demo.

    Parameters
    ----------
    key : str
        One of the keys of :data:`DEMOS` (``"fraud"``, ``"circles"``, ``"spam"``,
        ``"screening"``).

    Returns
    -------
    pandas.DataFrame
        A freshly generated frame; identical on every call for the same key.

    Raises
    ------
    KeyError
        If `key` is not a known demo; the message lists the valid keys.
    """
    try:
        demo = DEMOS[key]
    except KeyError:
        valid = ", ".join(repr(k) for k in DEMOS)
        raise KeyError(f"Unknown demo {key!r}; expected one of {valid}.") from None
    return demo.build()


# --- multiclass demos ---------------------------------------------------------------------
# Appended after DEMOS so the binary demos above stay as they are; each is also a binary demo
# (its ``positive`` class against the rest, scored by that class's own column).

_DIGITS_SEED = 0
_TICKETS_SEED = 3


def _build_digits() -> pd.DataFrame:
    """Score the test half of scikit-learn's bundled 8x8 digits with a logistic regression.

    The digits ship with scikit-learn (no download). Pixels are scaled to [0, 1] so L-BFGS
    converges well within ``max_iter``; the strong regularisation (``C=0.05``) leaves about
    8% of the test images wrong, enough for the confusion matrix to show which digits look
    alike (an 8 is often read as a 1, a 1 as a 9).
    """
    from sklearn.datasets import load_digits  # bundled with scikit-learn, nothing fetched
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data / 16.0,
        digits.target,
        test_size=0.5,
        stratify=digits.target,
        random_state=_DIGITS_SEED,
    )
    model = LogisticRegression(C=0.05, max_iter=1_000)
    model.fit(x_train, y_train)
    proba = model.predict_proba(x_test).astype(np.float64)
    frame = pd.DataFrame({"digit": y_test.astype(np.int64)})
    for k, cls in enumerate(model.classes_):
        frame[f"p_{int(cls)}"] = proba[:, k]
    frame["predicted"] = model.classes_[np.argmax(proba, axis=1)].astype(np.int64)
    return frame


_TEAMS = ("billing", "technical", "account")


def _build_tickets() -> pd.DataFrame:
    """Route ~1,500 support tickets to three teams; technical and account tickets look alike.

    Two made-up text features per ticket: billing tickets sit far from the others, while
    technical and account tickets overlap heavily, so a logistic regression trained on the
    other half of the tickets confuses those two and almost never billing.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    rng = np.random.default_rng(_TICKETS_SEED)
    n = 3_000
    team = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    centres = np.array([[0.0, 4.5], [0.0, 0.0], [1.2, 0.3]])
    x = centres[team] + rng.normal(0.0, 1.0, (n, 2))
    x_train, x_test, y_train, y_test = train_test_split(
        x, team, test_size=0.5, stratify=team, random_state=_TICKETS_SEED
    )
    model = LogisticRegression()
    model.fit(x_train, y_train)
    proba = model.predict_proba(x_test).astype(np.float64)
    names = np.asarray(_TEAMS)
    frame = pd.DataFrame(
        {
            "ticket_id": np.arange(1, y_test.shape[0] + 1, dtype=np.int64),
            "team": names[y_test],
        }
    )
    for k, name in enumerate(_TEAMS):
        frame[f"p_{name}"] = proba[:, k]
    frame["predicted_team"] = names[np.argmax(proba, axis=1)]
    return frame


DEMOS.update(
    {
        demo.key: demo
        for demo in (
            Demo(
                key="digits",
                title="Handwritten digits (10 classes)",
                summary=(
                    "Ten classes scored by a logistic regression trained on the spot: about "
                    "92% right, and an 8 is often read as a 1."
                ),
                label="digit",
                scores=("p_8",),
                positive=8,
                weight=None,
                build=_build_digits,
            ),
            Demo(
                key="tickets",
                title="Support tickets (3 teams)",
                summary=(
                    "Three teams, two of them (technical and account) often confused; "
                    "billing is easy to tell apart."
                ),
                label="team",
                scores=("p_account",),
                positive="account",
                weight=None,
                build=_build_tickets,
            ),
        )
    }
)
