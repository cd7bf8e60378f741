"""Copy the pinned npm assets Coproduce serves into static/vendor/.

The NHS.UK frontend stylesheet loads the Frutiger font from assets.nhs.uk. That font is
licensed to the NHS only and would be fetched from a third party, so we drop it and let
the design system fall back to its Arial stack. Icon paths are made relative so they are
served (and fingerprinted) with the rest of our static files.
"""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"


def build() -> None:
    nhsuk = NODE / "nhsuk-frontend" / "dist" / "nhsuk"
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    (VENDOR / "nhsuk" / "images").mkdir(parents=True)
    (VENDOR / "htmx").mkdir(parents=True)

    css = (nhsuk / "nhsuk-frontend.min.css").read_text()
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace("url(/assets/images/", "url(images/")
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    (VENDOR / "nhsuk" / "nhsuk-frontend.min.css").write_text(css)

    js = (nhsuk / "nhsuk-frontend.min.js").read_text()
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    (VENDOR / "nhsuk" / "nhsuk-frontend.min.js").write_text(js)

    for image in (nhsuk / "assets" / "images").iterdir():
        shutil.copy(image, VENDOR / "nhsuk" / "images" / image.name)
    shutil.copy(NODE / "htmx.org" / "dist" / "htmx.min.js", VENDOR / "htmx" / "htmx.min.js")


if __name__ == "__main__":
    build()
