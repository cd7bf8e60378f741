"""Server-drawn SVG bar charts. Every chart is shown with a table of the same figures beside it."""

from dataclasses import dataclass

BAR_HEIGHT = 18
BAR_GAP = 4
GROUP_GAP = 14
LABEL_WIDTH = 230
PLOT_WIDTH = 360
VALUE_WIDTH = 50
# Colours from the NHS.UK palette with enough contrast against white and each other (and patterns
# are not needed because every value is also printed beside its bar and in the table).
SERIES_COLOURS = ["#005eb8", "#330072", "#007f3b", "#8a1538"]


@dataclass
class Bar:
    y: int
    width: float
    value: object
    colour: str
    series: str


@dataclass
class BarGroup:
    label: str
    y: int
    label_y: int
    bars: list[Bar]


def horizontal_bar_chart(*, title: str, categories: list[str], series: dict[str, list]) -> dict:
    """Grouped horizontal bars: one group per category, one bar per series."""
    values = [v for vals in series.values() for v in vals]
    largest = max([float(v or 0) for v in values] + [1.0])
    groups = []
    y = 10
    names = list(series)
    for index, category in enumerate(categories):
        bars = []
        for s, name in enumerate(names):
            value = series[name][index]
            bars.append(
                Bar(
                    y=y + s * (BAR_HEIGHT + BAR_GAP),
                    width=round(PLOT_WIDTH * float(value or 0) / largest, 1),
                    value=value,
                    colour=SERIES_COLOURS[s % len(SERIES_COLOURS)],
                    series=name,
                )
            )
        height = len(names) * (BAR_HEIGHT + BAR_GAP)
        groups.append(BarGroup(label=category, y=y, label_y=y + height // 2, bars=bars))
        y += height + GROUP_GAP
    return {
        "title": title,
        "groups": groups,
        "legend": [
            {"name": n, "colour": SERIES_COLOURS[i % len(SERIES_COLOURS)]} for i, n in enumerate(names)
        ],
        "height": y,
        "width": LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }
