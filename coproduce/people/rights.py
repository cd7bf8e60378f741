"""Your right of access, as a file: a ZIP with the data as JSON and as a readable web page."""

import io
import json
import zipfile

from django.template.loader import render_to_string


def data_export_zip(data: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        archive.writestr("my-data.html", render_to_string("people/my_data_export.html", {"data": data}))
    return buffer.getvalue()
