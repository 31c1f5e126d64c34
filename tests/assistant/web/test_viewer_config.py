"""The viewer's configuration from draft evidence, and the draft's links into the viewer."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.web.viewer_config import link_image_statements, viewer_config

KEY = "a" * 64


def _evidence() -> dict[str, Any]:
    dicom = [
        {
            "study_uid": "2.25.1",
            "series_uid": "2.25.2",
            "sop_uid": f"2.25.3{i}",
            "key": KEY,
            "file": f"s{i}.dcm",
            "kind": "ct",
        }
        for i in range(3)
    ] + [
        {
            "study_uid": "2.25.5",
            "series_uid": "2.25.6",
            "sop_uid": "2.25.7",
            "key": KEY,
            "file": "f.dcm",
            "kind": "cxr",
        }
    ]
    candidate = {
        "diameter_mm": 41.3,
        "axial_extent_mm": 50.0,
        "slice_index": 1,
        "centroid_zyx": [1.0, 9.0, 8.0],
    }
    return {
        "imaging": {
            "uploads": [
                {
                    "dicom": dicom,
                    "ct_series": [
                        {
                            "instance_files": ["s2.dcm", "s0.dcm", "s1.dcm"],
                            "measurements": {"nodule_candidates": [candidate]},
                            "lung_mask": {
                                "key": KEY,
                                "columns": 2,
                                "slices": 3,
                                "tile_rows": 4,
                                "tile_cols": 4,
                            },
                        }
                    ],
                    "images": [
                        {"source": "f.dcm", "kind": "cxr", "view": "PA", "heatmap_keys": {"pneumonia": KEY}}
                    ],
                },
                {
                    "filename": "photo.png",
                    "images": [{"source": "x.png", "kind": "photo", "preview_key": KEY}],
                },
            ]
        }
    }


class TestViewerConfig:
    def test_series_from_evidence(self) -> None:
        """A CT in volume order with its candidate and mask, the film with its heatmap, the picture."""
        config = viewer_config("c1", _evidence())
        assert config["root"] == "/cockpit/cases/c1/dicomweb"
        ct, film, picture = config["series"]
        assert ct["kind"] == "ct" and ct["instances"] == ["2.25.32", "2.25.30", "2.25.31"]
        assert ct["candidates"][0]["n"] == 1 and ct["candidates"][0]["slice_index"] == 1
        assert ct["lung_mask"]["url"] == f"/cockpit/cases/c1/images/{KEY}" and "key" not in ct["lung_mask"]
        assert film["kind"] == "film" and film["instances"] == ["2.25.7"]
        assert film["heatmaps"] == [{"label": "pneumonia", "url": f"/cockpit/cases/c1/images/{KEY}"}]
        assert picture["kind"] == "picture" and picture["image_url"].endswith(KEY)

    def test_no_imaging_no_series(self) -> None:
        """Evidence without images gives an empty viewer."""
        assert viewer_config("c1", {})["series"] == []


class TestLinks:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "the largest measured about 41 mm across in the around slice 2.",
                ['data-candidate="1"', 'data-slice="2"'],
            ),
            ("its estimated probability of pneumonia was 0.63", ['data-heatmap="pneumonia"']),
            ("see the heatmap", ['data-heatmap="pneumonia"']),
        ],
    )
    def test_places_become_links(self, text: str, expected: list[str]) -> None:
        """Slices, candidate sizes and findings with heatmaps open the viewer there."""
        html = str(link_image_statements(text, viewer_config("c1", _evidence())))
        for attr in expected:
            assert attr in html
        assert 'href="#viewer"' in html

    def test_other_sizes_and_markup_stay_text(self) -> None:
        """A size no candidate has is not linked, and the sentence is escaped."""
        html = str(link_image_statements("<b>7 mm</b> & more", viewer_config("c1", _evidence())))
        assert "viewer-link" not in html and html == "&lt;b&gt;7 mm&lt;/b&gt; &amp; more"

    def test_without_images_nothing_is_linked(self) -> None:
        """With no viewer series the text is only escaped."""
        assert str(link_image_statements("slice 3 <i>", {})) == "slice 3 &lt;i&gt;"
