"""The Vega-Lite/Vega/vega-embed bundle, served from our own static files.

vl-convert ships the same libraries it uses to render charts for PDFs, so the
browser and the PDF draw every chart from one spec with one version of Vega.
The bundle is written once (about 3 s) and reused.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

BUNDLE_NAME = "vendor/vega-bundle.js"


def bundle_path() -> Path:
    return Path(settings.VENDOR_STATIC_DIR) / BUNDLE_NAME


def ensure_vega_bundle() -> Path:
    path = bundle_path()
    if path.exists() and path.stat().st_size > 100_000:
        return path
    import vl_convert

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    tmp.replace(path)
    return path
