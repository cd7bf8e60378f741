"""Words that may mean someone is at risk: self-harm, suicide, abuse or a safeguarding concern.

Deliberately simple and generous: a flag costs a member of staff a minute of reading, a missed one may
cost a life. A person decides what it means and records what they did; nothing is dismissed
automatically. Negations ("I never felt unsafe") are still flagged for the same reason."""

import re

RISK_PATTERNS = {
    "suicide": [
        r"suicid\w*",
        r"kill(?:ing)? my ?self",
        r"end(?:ing)? (?:it all|my life|things)",
        r"take my (?:own )?life",
        r"(?:don'?t|do not|didn'?t) want to (?:live|be alive|be here)",
        r"want(?:ed)? to die",
        r"better off dead",
        r"no reason to live",
        r"overdos\w*",
    ],
    "self-harm": [
        r"self[- ]?harm\w*",
        r"harm(?:ing|ed)? my ?self",
        r"hurt(?:ing)? my ?self",
        r"cut(?:ting)? my ?self",
        r"cutting",
        r"ligature",
    ],
    "abuse": [
        r"abus(?:e|ed|ive|ing)",
        r"assault\w*",
        r"rap(?:e|ed)",
        r"sexual(?:ly)? (?:touch\w*|harass\w*|assault\w*)",
        r"hit me",
        r"beat(?:en)? me",
        r"punch\w* me",
        r"grope\w*",
        r"neglect\w*",
        r"bull(?:y|ied|ying)",
        r"threaten\w*",
        r"domestic violence",
    ],
    "safeguarding": [
        r"safeguard\w*",
        r"unsafe",
        r"not safe",
        r"in danger",
        r"scared for my (?:life|safety)",
        r"restrain\w*",
        r"exploit\w*",
    ],
}
_COMPILED = [
    (category, re.compile(rf"\b{pattern}\b", re.IGNORECASE))
    for category, patterns in RISK_PATTERNS.items()
    for pattern in patterns
]


def risk_reasons(text: str) -> list[str]:
    """What in the text may mean risk, as "category: words", in order found; empty when nothing."""
    found = []
    for category, pattern in _COMPILED:
        for match in pattern.finditer(text or ""):
            reason = f"{category}: {match.group(0).lower()}"
            if reason not in found:
                found.append(reason)
    return found
