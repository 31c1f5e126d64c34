"""What the case page's image viewer shows, and links from the draft's words to it.

:func:`viewer_config` turns a draft's imaging evidence into the viewer's JSON: each CT
series (its instances head first, the nodule candidates with their slice and centroid,
the lung mask atlas), each film (its instance and Grad-CAM overlays) and each picture
upload (its cleaned PNG). :func:`link_image_statements` turns the places a draft
sentence names ("slice 16", "39 mm", a finding with a heatmap) into links that open
the viewer there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from assistant.dicomweb.index import upload_records

MAX_CANDIDATES = 50
_SLICE = re.compile(r"\bslices? (\d{1,4})\b", re.IGNORECASE)
_MM = re.compile(r"\b(\d{1,3}(?:\.\d)?) ?mm\b")
_HEATMAP = re.compile(r"\b(heat ?maps?|Grad-CAM)\b", re.IGNORECASE)


def _uploads(evidence: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return [u for u in upload_records(evidence) if isinstance(u, Mapping)]


def _ct_entries(
    case_id: str, upload: Mapping[str, Any], by_file: dict[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    images = f"/cockpit/cases/{case_id}/images/"
    out = []
    for ct in upload.get("ct_series") or []:
        files = [f for f in ct.get("instance_files") or [] if f in by_file]
        if not files:
            continue
        first = by_file[files[0]]
        m = ct.get("measurements") or {}
        candidates = [
            {
                "n": i + 1,
                "diameter_mm": c.get("diameter_mm"),
                "axial_extent_mm": c.get("axial_extent_mm"),
                "slice_index": c.get("slice_index"),
                "centroid_zyx": c.get("centroid_zyx"),
                "slices": c.get("slices"),
            }
            for i, c in enumerate((m.get("nodule_candidates") or [])[:MAX_CANDIDATES])
            if isinstance(c, Mapping)
        ]
        mask = ct.get("lung_mask")
        out.append(
            {
                "kind": "ct",
                "label": f"CT series, {len(files)} slices",
                "study_uid": first["study_uid"],
                "series_uid": first["series_uid"],
                "instances": [by_file[f]["sop_uid"] for f in files],
                "candidates": candidates,
                "lung_mask": ({k: v for k, v in mask.items() if k != "key"} | {"url": images + mask["key"]})
                if isinstance(mask, Mapping) and mask.get("key")
                else None,
            }
        )
    return out


def _planar_entries(
    case_id: str, upload: Mapping[str, Any], by_file: dict[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    images = f"/cockpit/cases/{case_id}/images/"
    out = []
    for image in upload.get("images") or []:
        heatmaps = [{"label": k, "url": images + v} for k, v in (image.get("heatmap_keys") or {}).items()]
        ref = by_file.get(str(image.get("source") or ""))
        label = f"{(image.get('kind') or 'image').upper()}{' ' + image['view'] if image.get('view') else ''}"
        if ref is not None:
            out.append(
                {
                    "kind": "film",
                    "label": f"Film {label}",
                    "study_uid": ref["study_uid"],
                    "series_uid": ref["series_uid"],
                    "instances": [ref["sop_uid"]],
                    "heatmaps": heatmaps,
                }
            )
        elif image.get("preview_key"):
            out.append(
                {
                    "kind": "picture",
                    "label": f"Picture {upload.get('filename') or ''}".strip(),
                    "image_url": images + str(image["preview_key"]),
                    "heatmaps": heatmaps,
                }
            )
    return out


def viewer_config(case_id: str, evidence: Mapping[str, Any] | None) -> dict[str, Any]:
    """The viewer's JSON configuration for a case's draft evidence (empty series when none)."""
    series: list[dict[str, Any]] = []
    for upload in _uploads(evidence):
        by_file = {str(d.get("file")): d for d in upload.get("dicom") or [] if isinstance(d, Mapping)}
        series += _ct_entries(case_id, upload, by_file) + _planar_entries(case_id, upload, by_file)
    for n, entry in enumerate(series):
        entry["id"] = f"{entry['kind']}-{n}"
    return {"root": f"/cockpit/cases/{case_id}/dicomweb", "series": series}


def _link(text: str, **data: Any) -> str:
    attrs = " ".join(f'data-{k.replace("_", "-")}="{escape(v)}"' for k, v in data.items())
    return f'<a class="viewer-link" href="#viewer" {attrs}>{escape(text)}</a>'


def _first(config: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    return next((s for s in config.get("series") or [] if s.get("kind") == kind), None)


def _candidate_for(ct: Mapping[str, Any], size: float) -> int | None:
    for c in ct.get("candidates") or []:
        if c.get("diameter_mm") is not None and abs(float(c["diameter_mm"]) - size) <= 0.5:
            return int(c["n"])
    return None


def link_image_statements(text: str, config: Mapping[str, Any] | None) -> Markup:
    """The sentence, escaped, with each place in the images it names linked to the viewer."""
    config = config or {}
    ct = _first(config, "ct")
    planar = [
        s for s in config.get("series") or [] if s.get("kind") in ("film", "picture") and s.get("heatmaps")
    ]
    labels = {h["label"].lower(): (h["label"], s["id"]) for s in planar for h in s["heatmaps"]}
    patterns: list[tuple[re.Pattern[str], Any]] = []
    if ct is not None:
        patterns.append((_SLICE, lambda m: _link(m.group(0), series=ct["id"], slice=m.group(1))))

        def size_link(m: re.Match[str]) -> str:
            n = _candidate_for(ct, float(m.group(1)))
            return _link(m.group(0), series=ct["id"], candidate=n) if n else str(escape(m.group(0)))

        patterns.append((_MM, size_link))
    if planar:
        first = planar[0]
        patterns.append(
            (_HEATMAP, lambda m: _link(m.group(0), series=first["id"], heatmap=first["heatmaps"][0]["label"]))
        )
    if labels:
        names = "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True))
        words = re.compile(r"\b(" + names + r")\b", re.IGNORECASE)

        def label_link(m: re.Match[str]) -> str:
            label, series = labels[m.group(0).lower()]
            return _link(m.group(0), series=series, heatmap=label)

        patterns.append((words, label_link))
    if not patterns:
        return Markup(escape(text))  # noqa: S704 - escaped
    combined = re.compile("|".join(f"(?:{p.pattern})" for p, _ in patterns), re.IGNORECASE)
    out, pos = [], 0
    for m in combined.finditer(text):
        out.append(str(escape(text[pos : m.start()])))
        for pattern, make in patterns:
            sub = pattern.fullmatch(m.group(0))
            if sub:
                out.append(make(sub))
                break
        else:
            out.append(str(escape(m.group(0))))
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))  # noqa: S704 - every piece above was escaped
