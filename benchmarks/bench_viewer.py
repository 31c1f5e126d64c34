"""Time from clicking a CT case in the queue to its first slice drawn in the viewer.

Runs the whole app on loopback (uvicorn thread, SQLite, local storage) with one case
whose evidence holds the shared TCIA CT A0001 (64 slices, de-identified and stored by
the imaging step's helper), logs a clinician in with Debian's Chromium, and for each
repeat opens the queue, clicks the case and waits until the viewer has drawn a slice
(``#viewer[data-drawn]``, set on Cornerstone's first IMAGE_RENDERED with pixels). The
first repeat uses a fresh browser context (nothing cached); the rest reuse it, as a
clinician moving from case to case does.

    .venv/bin/python benchmarks/bench_viewer.py --repeats 10
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.context import AppContext  # noqa: E402
from assistant.db.base import Database  # noqa: E402
from assistant.db.migrate import upgrade  # noqa: E402
from assistant.db.models import User  # noqa: E402
from assistant.passwords import hash_password  # noqa: E402
from assistant.roles import Role  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.web.app import create_app  # noqa: E402
from tests.assistant.web.dicomweb_case import seed_dicom_case, stored_evidence  # noqa: E402
from tests.assistant.web.imaging_case import A0001  # noqa: E402

PASSWORD = "bench-password-1"
#: Where the time goes, in ms from the case page's navigation start (Resource Timing).
PHASES = """(() => {
  const r = (part) => performance.getEntriesByType('resource').find((e) => e.name.includes(part));
  const nav = performance.getEntriesByType('navigation')[0];
  const js = r('/static/viewer/viewer.js'), meta = r('/metadata'), frame = r('/frames/');
  return {
    'page html received': nav.responseEnd,
    'viewer.js received': js ? js.responseEnd : -1,
    'study metadata received': meta ? meta.responseEnd : -1,
    'metadata request took': meta ? meta.responseEnd - meta.requestStart : -1,
    'first frame received': frame ? frame.responseEnd : -1,
    'first slice drawn': Number(document.querySelector('#viewer').dataset.drawn),
  };
})()"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()
    if not (REPO / "assistant/web/static/viewer/viewer.js").is_file():
        sys.exit("the viewer is not built: run `make viewer`")
    import uvicorn
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="bench-viewer-"))
    try:
        settings = Settings(environment="test", data_dir=root / "data", llm={"mode": "mock"})  # type: ignore[arg-type]
        db = Database.from_url(f"sqlite:///{root / 'app.db'}")
        upgrade(db.engine)
        with db.session() as s:
            s.add(
                User(
                    username="doc",
                    display_name="Dr Bench",
                    role=Role.CLINICIAN,
                    password_hash=hash_password(PASSWORD),
                )
            )
            patient = User(
                username="pat", display_name="Pat", role=Role.PATIENT, password_hash=hash_password(PASSWORD)
            )
            s.add(patient)
        with db.session() as s:
            patient = s.query(User).filter_by(username="pat").one()
        ctx = AppContext(settings, db=db)
        evidence = stored_evidence(ctx, A0001, root / "work")
        rec = evidence["imaging"]["uploads"][0]
        rec["ct_series"] = [
            {"n_slices": 64, "instance_files": [d["file"] for d in rec["dicom"]], "measurements": {}}
        ]
        case_id = seed_dicom_case(db, patient, evidence)
        app = create_app(settings, context=ctx, with_chat=False, run_jobs=False)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{server.config.port}"
        times: list[float] = []
        phases: list[dict[str, float]] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": args.width, "height": args.height})
            page = context.new_page()
            page.goto(f"{url}/login")
            page.fill("input[name=username]", "doc")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for _ in range(args.repeats):
                page.goto(f"{url}/cockpit/")
                link = page.locator(f"tr[data-case='{case_id}'] a").first
                start = time.perf_counter()
                link.click()
                page.wait_for_selector("#viewer[data-drawn]", timeout=60_000)
                times.append(time.perf_counter() - start)
                phases.append(page.evaluate(PHASES))
            browser.close()
        server.should_exit = True
        cold, warm = times[0], times[1:] or times
        print(f"click -> first CT slice drawn, {args.width}x{args.height}, {len(times)} runs")
        print(f"  first (empty cache): {cold:.2f} s")
        print(f"  later: median {statistics.median(warm):.2f} s, max {max(warm):.2f} s")
        print(f"  target <= 2 s: {'met' if max(times) <= 2.0 else 'missed'}")
        for name in phases[0]:
            values = [p[name] for p in phases[1:] or phases]
            print(
                f"  {name}: first {phases[0][name]:.0f} ms, later median {statistics.median(values):.0f} ms"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
