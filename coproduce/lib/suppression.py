"""Small-number suppression for published tables, including the secondary suppression that stops a
hidden number being worked out by subtraction from a total or a published sum shown beside it."""

from collections.abc import Sequence


def suppress_with_totals(
    counts: Sequence[int],
    *,
    small: int,
    total_shown: bool = True,
    linked: Sequence[Sequence[int]] = (),
) -> list[int | None]:
    """The counts as they may be shown: None for each one withheld.

    Primary suppression withholds every count from 1 to small - 1. Then, until nothing changes:
    - ``linked`` lists groups of positions whose sum is published (an FFT "percentage positive" is
      Very good + Good): if some of a group are withheld, the rest of it is withheld too, or the sum
      minus the shown ones would give the hidden one;
    - when the categories add up to a total that is shown, and exactly one count is withheld, the
      smallest other count that is not zero is withheld as well, or total minus the others gives it.
    """
    hidden = [0 < count < small for count in counts]
    changed = True
    while changed:
        changed = False
        for group in linked:
            if any(hidden[i] for i in group) and not all(hidden[i] for i in group):
                for i in group:
                    hidden[i] = True
                changed = True
        if total_shown and sum(hidden) == 1:
            candidates = [i for i, count in enumerate(counts) if not hidden[i] and count > 0]
            if candidates:
                smallest = min(candidates, key=lambda i: (counts[i], i))
                hidden[smallest] = True
                changed = True
    return [None if hide else count for count, hide in zip(counts, hidden, strict=True)]
