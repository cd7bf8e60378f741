"""Train the theme model on part of a labelled CSV and measure it on the rest.

    python manage.py themes_evaluate FILE --text-column COL --label-columns A,B,C [--test-size 0.2] [--seed 0]
    python manage.py themes_evaluate FILE --text-column COL --label-column COL

Multilabel: one 0/1 column per theme (a comment may have several). Single-label: one column naming the
theme. Prints precision, recall and F1 per theme and, as its last line, JSON with micro_f1, macro_f1,
train_seconds and comments_per_second.
"""

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from sklearn.model_selection import train_test_split

from coproduce.themes.learning import Example, evaluate

TRUE_VALUES = {"1", "1.0", "true", "yes", "y"}
FALSE_VALUES = {"0", "0.0", "false", "no", "n", ""}


class Command(BaseCommand):
    help = "Evaluate theme suggestions on a labelled CSV: per-theme precision, recall, F1; JSON last."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV file with a header row (UTF-8)")
        parser.add_argument("--text-column", required=True, help="The column with the comment text")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--label-columns", help="Comma-separated 0/1 columns, one per theme (multilabel)")
        group.add_argument("--label-column", help="One column naming each comment's theme (single-label)")
        parser.add_argument("--test-size", type=float, default=0.2, help="Share held out for testing (0-1)")
        parser.add_argument("--seed", type=int, default=0, help="Random seed for the split")

    def handle(self, *args, file, text_column, label_columns, label_column, test_size, seed, **options):
        if not 0 < test_size < 1:
            raise CommandError("--test-size must be between 0 and 1, for example 0.2")
        examples = self.read(Path(file), text_column, label_columns, label_column)
        if len(examples) < 10:
            raise CommandError(f"{file} has {len(examples)} labelled comments; at least 10 are needed")
        train_set, test_set = train_test_split(examples, test_size=test_size, random_state=seed)
        try:
            result = evaluate(train_set, test_set, single_label=label_column is not None)
        except ValueError as error:
            raise CommandError(str(error)) from error
        width = max([len(label) for label in result.labels] + [5])
        self.stdout.write(
            f"Trained on {result.train_size} comments, tested on {result.test_size} held out "
            f"({'single-label' if label_column else 'multilabel'})"
        )
        self.stdout.write(f"{'theme':<{width}}  precision  recall     f1  support")
        for label, p, r, f, s in zip(
            result.labels, result.precision, result.recall, result.f1, result.support, strict=True
        ):
            self.stdout.write(f"{label:<{width}}  {p:>9.3f}  {r:>6.3f}  {f:>5.3f}  {s:>7}")
        self.stdout.write(
            json.dumps(
                {
                    "micro_f1": round(result.micro_f1, 4),
                    "macro_f1": round(result.macro_f1, 4),
                    "train_seconds": round(result.train_seconds, 3),
                    "comments_per_second": round(result.comments_per_second, 1),
                }
            )
        )

    def read(self, path: Path, text_column, label_columns, label_column) -> list[Example]:
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                header = reader.fieldnames or []
                columns = [c.strip() for c in label_columns.split(",") if c.strip()] if label_columns else []
                wanted = [text_column, *(columns or [label_column])]
                missing = [c for c in wanted if c not in header]
                if missing:
                    raise CommandError(
                        f"{path} has no column {', '.join(missing)}; it has {', '.join(header)}"
                    )
                examples = []
                for line, row in enumerate(reader, start=2):
                    text = (row.get(text_column) or "").strip()
                    if not text:
                        continue
                    if columns:
                        labels = []
                        for column in columns:
                            value = (row.get(column) or "").strip().lower()
                            if value in TRUE_VALUES:
                                labels.append(column)
                            elif value not in FALSE_VALUES:
                                raise CommandError(
                                    f"Row {line}, column {column}: write 0 or 1, not {value!r}"
                                )
                    else:
                        label = (row.get(label_column) or "").strip()
                        labels = [label] if label else []
                    if labels:
                        examples.append(Example(text, labels))
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text: save it as CSV UTF-8 and try again") from error
        return examples
