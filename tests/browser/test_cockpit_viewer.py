"""The case page's image viewer in Chromium: the TCIA CT and a chest film from the real imaging step.

The case's draft evidence is what :func:`analyse_uploads` writes for the A0001 CT (as a
zip) and the SIIM film, so the viewer reads the de-identified instances through the
DICOMweb routes exactly as in use. The CT candidate that the test follows is the one
whose centroid lies inside the radiologist's PASCAL-VOC box of the tumour on its slice.
Screenshots: test-output/screenshots/viewer_*.png.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.migrate import upgrade
from assistant.db.models import User
from assistant.passwords import hash_password
from tests.assistant.web.imaging_case import A0001, A0001_BOXES, FILM, analysed, seed_imaging_case
from tests.browser.cockpit_fixtures import clean_screenshots, shot
from tests.browser.conftest import STAFF, LiveApp, _free_port, _test_settings
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The header the security middleware sends; the viewer page must work under exactly this.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
    "img-src 'self' data: blob:; connect-src 'self'; style-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'"
)


@pytest.fixture(scope="module", autouse=True)
def _fresh_screenshots() -> None:
    clean_screenshots("viewer_")


@pytest.fixture(scope="module")
def cockpit_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The app on loopback as in conftest, without the job runner (which would take the seeded case's job)."""
    import uvicorn

    from assistant.web.app import create_app

    root = tmp_path_factory.mktemp("viewer-app")
    settings = _test_settings(root / "data")
    settings.data_dir.mkdir(parents=True)
    db = Database.from_url(f"sqlite:///{root / 'app.db'}")
    upgrade(db.engine)
    digest = hash_password(TEST_PASSWORD)
    accounts: dict[str, User] = {}
    with db.session() as s:
        for name, (role, display) in STAFF.items():
            accounts[name] = User(username=name, display_name=display, role=role, password_hash=digest)
            s.add(accounts[name])
    app = create_app(settings, context=AppContext(settings, db=db), with_chat=False, run_jobs=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield LiveApp(f"http://127.0.0.1:{server.config.port}", db, settings, accounts)
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture(scope="module")
def imaging_case(cockpit_app: LiveApp) -> str:
    """A case waiting for review with the CT and the film analysed by the real imaging step."""
    if not (A0001.is_dir() and FILM.is_file()):
        pytest.skip(f"shared imaging data not found: {A0001}, {FILM}")
    evidence, findings = analysed(cockpit_app.settings, [A0001, FILM])
    return seed_imaging_case(cockpit_app.db, cockpit_app.accounts["patient"], evidence, findings)


def _tumour_boxes() -> dict[int, list[tuple[float, float, float, float]]]:
    """The annotated tumour boxes by slice index of the series (head first)."""
    import pydicom

    from imaging.volume import load_ct_volume

    paths = load_ct_volume(sorted(A0001.glob("*.dcm"))).paths
    slice_of = {
        str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID): z for z, p in enumerate(paths)
    }
    boxes: dict[int, list[tuple[float, float, float, float]]] = {}
    for xml in A0001_BOXES.glob("*.xml"):
        if xml.stem in slice_of:
            for box in ET.parse(xml).getroot().iter("bndbox"):
                x0, y0, x1, y1 = (float(box.findtext(k) or 0) for k in ("xmin", "ymin", "xmax", "ymax"))
                boxes.setdefault(slice_of[xml.stem], []).append((x0, y0, x1, y1))
    return boxes


def _open(browser: Any, app: LiveApp, size: tuple[int, int], csp: bool = False) -> Any:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    if csp:

        def with_csp(route: Any) -> None:
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

        context.route("**/cockpit/cases/*", with_csp)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{app.url}/login")
    page.fill("input[name=username]", "clinician")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _ready(page: Any) -> None:
    page.wait_for_selector("#viewer[data-ready='true'][data-slice]", timeout=30_000)


def _until(page: Any, script: str, timeout_s: float = 15.0) -> Any:
    """Poll a page expression through the debugger protocol (the page's CSP forbids eval there)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(script)
        if value or time.monotonic() > deadline:
            assert value, f"timed out waiting for: {script}"
            return value
        page.wait_for_timeout(100)


def _attr(page: Any, name: str, value: str) -> None:
    expect(page.locator("#viewer")).to_have_attribute(name, value)


class TestCTReading:
    def test_candidate_slice_window_and_length(
        self, cockpit_app: LiveApp, browser: Any, imaging_case: str
    ) -> None:
        """Queue click draws the CT; a tumour candidate opens its slice; mediastinal W/L; length in 10%."""
        app = cockpit_app
        errors: list[str] = []
        page = _open(browser, app, (1280, 800), csp=True)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.locator(f"tr[data-case='{imaging_case}'] a").first.click()
        _ready(page)
        assert page.locator("#viewer-missing").count() == 0
        config = page.evaluate("JSON.parse(document.getElementById('viewer-config').textContent)")
        ct = next(s for s in config["series"] if s["kind"] == "ct")
        assert len(ct["instances"]) == 64
        expect(page.locator("#viewer-status")).to_contain_text("Slice 33 / 64")
        _attr(page, "data-window", "1500/-600")  # opens in the lung window
        shot(page, "viewer_01_ct_opened_1280", full_page=False)

        boxes = _tumour_boxes()
        on_tumour = [
            c
            for c in ct["candidates"]
            for (x0, y0, x1, y1) in boxes.get(c["slice_index"], [])
            if x0 <= c["centroid_zyx"][2] <= x1 and y0 <= c["centroid_zyx"][1] <= y1
        ]
        assert on_tumour, "no nodule candidate lies inside the annotated tumour box on its slice"
        cand = on_tumour[0]

        element = page.locator("#viewer-element")
        element.focus()
        page.keyboard.press("ArrowDown")
        _attr(page, "data-slice", "34")
        page.mouse.move(640, 400)
        element.hover()
        page.mouse.wheel(0, 300)
        _until(page, "Number(document.querySelector('#viewer').dataset.slice) > 34")

        page.click(f"button.candidate-button[data-candidate='{cand['n']}']")
        _attr(page, "data-slice", str(cand["slice_index"] + 1))
        assert f"Slice {cand['slice_index'] + 1} / 64" in page.inner_text("#viewer-status")

        page.click("button[data-preset='mediastinum']")
        _attr(page, "data-window", "350/50")
        assert "W 350 / L 50" in page.inner_text("#viewer-status")

        page.click("button[data-tool='length']")
        pixel = page.evaluate("(id) => window.soViewer.viewport.getImageData().spacing[0]", None)
        half = cand["diameter_mm"] / 2 / pixel
        _, cy, cx = cand["centroid_zyx"]
        a = page.evaluate(f"window.soViewer.canvasPointOfPixel({cx - half}, {cy})")
        b = page.evaluate(f"window.soViewer.canvasPointOfPixel({cx + half}, {cy})")
        page.mouse.move(a["x"], a["y"])
        page.mouse.down()
        page.mouse.move((a["x"] + b["x"]) / 2, a["y"], steps=5)
        page.mouse.move(b["x"] - 1, b["y"], steps=5)
        page.wait_for_timeout(300)  # let the tool take in the drag before the last move
        page.mouse.move(b["x"], b["y"])
        page.wait_for_timeout(300)
        page.mouse.up()
        _until(page, "document.querySelector('#viewer').dataset.length !== undefined")
        measured = float(page.get_attribute("#viewer", "data-length") or 0)
        debug = page.evaluate("window.soViewer.lastLengthHandles()")  # canvas points, for the message
        assert measured == pytest.approx(cand["diameter_mm"], rel=0.10), (measured, cand, a, b, debug)
        assert "Length:" in page.inner_text("#viewer-measure")
        page.check("#viewer-mask-toggle")
        _until(page, "[...window.soViewer.images.values()].every((i) => i.complete && i.naturalWidth > 0)")
        page.locator("#viewer-title").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        shot(page, "viewer_02_ct_candidate_mediastinum_length_1280", full_page=False)
        assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

    def test_draft_slice_link_opens_the_viewer_there(
        self, cockpit_app: LiveApp, browser: Any, imaging_case: str
    ) -> None:
        """A draft sentence naming a slice links to the viewer, which goes to that slice."""
        page = _open(browser, cockpit_app, (1920, 1080))
        page.goto(f"{cockpit_app.url}/cockpit/cases/{imaging_case}")
        _ready(page)
        link = page.locator("#ai-draft a.viewer-link[data-slice]").first
        target = link.get_attribute("data-slice")
        link.click()
        _attr(page, "data-slice", str(target))
        sized = page.locator("#ai-draft a.viewer-link[data-candidate]")
        assert sized.count() >= 1
        shot(page, "viewer_03_draft_link_1920", full_page=False)


class TestFilm:
    @pytest.mark.xfail(
        strict=True,
        reason="no chest X-ray finding is reported since external validation gated every population "
        "as not assessed (docs/imaging-models.md), so the pipeline draws no Grad-CAM for the film "
        "and the draft has no heatmap link; passes again once a model is validated for adults' films",
    )
    def test_film_with_heatmap_at_half_opacity(
        self, cockpit_app: LiveApp, browser: Any, imaging_case: str
    ) -> None:
        """The film opens at full resolution; the heatmap overlay shows at 50% opacity and zoom works."""
        page = _open(browser, cockpit_app, (1280, 800), csp=True)
        page.goto(f"{cockpit_app.url}/cockpit/cases/{imaging_case}")
        _ready(page)
        config = page.evaluate("JSON.parse(document.getElementById('viewer-config').textContent)")
        film = next(s for s in config["series"] if s["kind"] == "film")
        link = page.locator(f"#ai-draft a.viewer-link[data-heatmap][data-series='{film['id']}']").first
        link.click()
        _attr(page, "data-kind", "film")
        _until(page, "window.soViewer.heatmap !== null")
        assert page.input_value("#viewer-opacity") == "50"
        dims = page.evaluate("window.soViewer.viewport.getImageData().dimensions")
        assert dims[0] >= 1024 and dims[1] >= 1024  # the film itself, not a preview
        expect(page.locator("#viewer-status")).to_contain_text("at 50%")
        before = page.evaluate("window.soViewer.viewport.getZoom()")
        page.click("button[data-action='zoom-in']")
        assert page.evaluate("window.soViewer.viewport.getZoom()") > before
        shot(page, "viewer_04_film_heatmap_50_1280", full_page=False)
