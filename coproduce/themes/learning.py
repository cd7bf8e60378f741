"""Theme and sentiment suggestions with scikit-learn, trained and run on our own server: comments are
health data and never leave it.

TF-IDF over word 1-2-grams and character 2-5-grams feeds two linear SVMs whose scores are averaged
(`ThemeModel`): one per theme (one-vs-rest, so a comment can have several themes) and one multiclass;
and a three-way sentiment SVM. Classes are weighted by how rare they are, so a theme with few examples
is still suggested. Chosen on the shipped pxtextmining data: LogisticRegression, SGD, Ridge and a
Crammer-Singer SVM scored lower, LogisticRegression took 15 times longer to train, other n-grams and C
values moved F1 by under 0.005, and per-theme thresholds tuned on held-out folds gained nothing (every
comment there has one theme). The multiclass half lifts the rare themes (macro-F1 0.40 -> 0.43 over
the 44 subcategories; the 19 framework themes stay at 0.54).
"""

import csv
import io
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_union
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from .framework import SUBCATEGORY_THEMES

DATA_DIR = Path(__file__).resolve().parent / "data"
STARTER_CSV = DATA_DIR / "pxtextmining_phase1_text_data.csv"
SENTIMENTS = ("positive", "neutral", "negative")
# A theme is suggested when its SVM says yes; the best-scoring theme is suggested even if none does,
# because every comment is about something.
THRESHOLD = 0.0
FORMAT_VERSION = 2  # 1: themes was a plain OneVsRestClassifier (still loads)


@dataclass
class Example:
    text: str
    labels: list[str]
    sentiment: str = ""


@dataclass
class Suggestion:
    labels: list[tuple[str, float]]  # (label, score), best first
    sentiment: str
    sentiment_score: float


def features():
    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, strip_accents="unicode"),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, max_features=150_000
        ),
    )


def _svm() -> LinearSVC:
    return LinearSVC(C=0.1, class_weight="balanced", max_iter=5000)


class ThemeModel:
    """The mean of two linear SVMs' scores over the same features: one-vs-rest (a yes/no SVM per theme,
    classes balanced within each) and one multiclass SVM fitted with a row per (comment, theme), classes
    balanced across themes. decision_function gives a column per label, > 0 meaning yes, like
    OneVsRestClassifier's."""

    def __init__(self, n_labels: int):
        self.n_labels = n_labels
        self.ovr = None
        self.multiclass = None

    def fit(self, x, y):
        with warnings.catch_warnings():  # a theme with no examples in a small set is expected
            warnings.simplefilter("ignore")
            self.ovr = OneVsRestClassifier(_svm()).fit(x, y)
        rows, columns = np.nonzero(y)
        self.multiclass = _svm().fit(x[rows], columns) if len(np.unique(columns)) >= 2 else None
        return self

    def decision_function(self, x):
        ovr = np.asarray(self.ovr.decision_function(x), dtype=float).reshape(x.shape[0], -1)
        if self.multiclass is None:
            return ovr
        raw = np.asarray(self.multiclass.decision_function(x), dtype=float)
        if raw.ndim == 1:  # two classes: one score, positive means the second
            raw = np.column_stack([-raw, raw])
        multiclass = np.full((x.shape[0], self.n_labels), -1.0)  # a label it never saw: a firm no
        multiclass[:, self.multiclass.classes_] = raw
        return (ovr + multiclass) / 2


def sentiment_from_criticality(value: str) -> str:
    """pxtextmining's criticality: -4 (very critical) to 4 (very positive); 0 is neutral."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    if not -4 <= number <= 4:
        return ""
    return "positive" if number > 0 else "negative" if number < 0 else "neutral"


def starter_examples(path: Path = STARTER_CSV) -> list[Example]:
    """The shipped NHS comments, labelled with the default framework's theme codes."""
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = (row.get("feedback") or "").strip()
            code = SUBCATEGORY_THEMES.get((row.get("subcategory") or "").strip())
            if text and code:
                examples.append(Example(text, [code], sentiment_from_criticality(row.get("criticality"))))
    return examples


@dataclass
class Classifier:
    labels: list[str]
    vectoriser: object
    themes: object  # ThemeModel over the labels (OneVsRestClassifier in format 1)
    sentiment: object | None  # LinearSVC over SENTIMENTS, or None without sentiment examples
    meta: dict = field(default_factory=dict)

    def suggest(self, texts: Sequence[str]) -> list[Suggestion]:
        if not texts:
            return []
        x = self.vectoriser.transform(texts)
        scores = np.atleast_2d(self.themes.decision_function(x))
        if len(self.labels) == 1:
            scores = scores.reshape(-1, 1)
        sentiment_scores = self.sentiment.decision_function(x) if self.sentiment is not None else None
        suggestions = []
        for row_index, row in enumerate(scores):
            order = np.argsort(-row)
            chosen = [(self.labels[i], float(row[i])) for i in order if row[i] > THRESHOLD]
            if not chosen:
                chosen = [(self.labels[order[0]], float(row[order[0]]))]
            sentiment, sentiment_score = "", 0.0
            if sentiment_scores is not None:
                s = sentiment_scores[row_index]
                if np.ndim(s) == 0:  # two sentiments only: one score, positive means the second
                    best, score = (1, float(s)) if s > 0 else (0, float(-s))
                else:
                    best = int(np.argmax(s))
                    score = float(s[best])
                sentiment, sentiment_score = str(self.sentiment.classes_[best]), score
            suggestions.append(Suggestion(chosen, sentiment, sentiment_score))
        return suggestions

    def predict_single(self, texts: Sequence[str]) -> list[str]:
        """The best theme only: for single-label evaluation."""
        scores = np.atleast_2d(self.themes.decision_function(self.vectoriser.transform(texts)))
        return [self.labels[i] for i in scores.argmax(axis=1)]

    def predict_sets(self, texts: Sequence[str]) -> list[set[str]]:
        return [{label for label, _score in s.labels} for s in self.suggest(texts)]

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(
            {
                "version": FORMAT_VERSION,
                "labels": self.labels,
                "vectoriser": self.vectoriser,
                "themes": self.themes,
                "sentiment": self.sentiment,
                "meta": self.meta,
            },
            buffer,
            compress=3,
        )
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> "Classifier":
        # Only bytes this application trained and stored itself are ever loaded.
        stored = joblib.load(io.BytesIO(bytes(data)))
        return cls(
            labels=stored["labels"],
            vectoriser=stored["vectoriser"],
            themes=stored["themes"],
            sentiment=stored["sentiment"],
            meta=stored.get("meta", {}),
        )


def train(examples: Iterable[Example]) -> Classifier:
    """Fit on labelled comments. Needs at least two labels between them."""
    examples = [e for e in examples if e.text.strip() and e.labels]
    started = time.perf_counter()
    binariser = MultiLabelBinarizer()
    y = binariser.fit_transform([e.labels for e in examples])
    if y.shape[1] < 2:
        raise ValueError("Training needs comments with at least two different themes")
    vectoriser = features()
    # min_df=2 needs a few comments; tiny sets (tests, a new theme) count every word once.
    if len(examples) < 50:
        for _name, part in vectoriser.transformer_list:
            part.set_params(min_df=1)
    x = vectoriser.fit_transform([e.text for e in examples])
    themes = ThemeModel(y.shape[1]).fit(x, y)
    with_sentiment = [(i, e.sentiment) for i, e in enumerate(examples) if e.sentiment in SENTIMENTS]
    sentiment = None
    if len({s for _i, s in with_sentiment}) >= 2:
        rows = [i for i, _s in with_sentiment]
        sentiment = _svm().fit(x[rows], [s for _i, s in with_sentiment])
    return Classifier(
        labels=[str(label) for label in binariser.classes_],
        vectoriser=vectoriser,
        themes=themes,
        sentiment=sentiment,
        meta={"examples": len(examples), "train_seconds": round(time.perf_counter() - started, 2)},
    )


@dataclass
class Evaluation:
    labels: list[str]
    precision: list[float]
    recall: list[float]
    f1: list[float]
    support: list[int]
    micro_f1: float
    macro_f1: float
    train_seconds: float
    comments_per_second: float
    train_size: int
    test_size: int


def evaluate(train_set: list[Example], test_set: list[Example], *, single_label: bool) -> Evaluation:
    started = time.perf_counter()
    classifier = train(train_set)
    train_seconds = time.perf_counter() - started
    texts = [e.text for e in test_set]
    started = time.perf_counter()
    if single_label:
        predicted = [{label} for label in classifier.predict_single(texts)]
    else:
        predicted = classifier.predict_sets(texts)
    seconds = max(time.perf_counter() - started, 1e-9)
    labels = sorted({label for e in train_set + test_set for label in e.labels})
    binariser = MultiLabelBinarizer(classes=labels)
    y_true = binariser.fit_transform([e.labels for e in test_set])
    y_pred = binariser.transform([{p for p in s if p in labels} for s in predicted])
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    present = support > 0  # macro over the themes the held-out set contains
    return Evaluation(
        labels=labels,
        precision=[float(v) for v in precision],
        recall=[float(v) for v in recall],
        f1=[float(v) for v in f1],
        support=[int(v) for v in support],
        micro_f1=float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
        macro_f1=float(np.mean(f1[present])) if present.any() else 0.0,
        train_seconds=train_seconds,
        comments_per_second=len(texts) / seconds,
        train_size=len(train_set),
        test_size=len(test_set),
    )
