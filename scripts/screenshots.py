"""Take the design screenshots of docs/design.md from the demo: pages in Chromium, packs and reports from their PDFs.

    .venv/bin/python scripts/screenshots.py                    # a fresh demo in a scratch directory
    .venv/bin/python scripts/screenshots.py --data-dir DIR --reuse   # the demo already loaded in DIR

It loads the demo (`stocktake demo`) into a SQLite file in the data directory (unless --reuse), starts `stocktake serve`
on a free port, signs in as the delivery unit head (duhead) and saves into docs/design/:

    portfolio.png, portfolio-phone.png   the portfolio at 1366 px, and at 390 px with a priority opened
    indicator.png                        the A&E indicator page (trajectory chart drawn)
    plan.png                             the A&E delivery plan
    queue.png                            the verification queue
    pack-1.png, pack-2.png               the first two pages of a meeting's pack (PDF, rasterised by pdftoppm)
    report-summary.png                   the delivery report's summary page (its first page that says "summary")

Pages are cut at --max-height pixels and every PNG is reduced to a 256-colour palette (Pillow), so the
images stay small enough to keep in the repository. Needs /usr/bin/chromium and poppler's pdftoppm.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "demo-stocktake-2026"
WIDTH = 1366
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-chart]')].every(el => el.classList.contains('chart-ready')
  || /could not be drawn/.test(el.textContent))"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stocktake(*args, env, **kw):
    return subprocess.run([sys.executable, "-m", "stocktake", *args], env=env, check=True, **kw)


def start_server(env, data_dir: Path):
    port = free_port()
    log = open(data_dir / "screenshots-server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "stocktake", "serve", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5)
            return server, url
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit(f"the server did not start; see {data_dir / 'screenshots-server.log'}")
            time.sleep(0.5)


def save_png(data: bytes, path: Path, max_height: int) -> None:
    """Crop to max_height, reduce to a 256-colour palette, write optimised."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    if image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, optimize=True)
    print(f"  {path.relative_to(ROOT)}  {image.width}x{image.height}  {path.stat().st_size // 1024} KB")


def page_shot(page, url: str, path: Path, max_height: int, before=None) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_function(CHARTS_DRAWN, timeout=60000)
    if before:
        before(page)
    save_png(page.screenshot(full_page=True), path, max_height)


def pdf_pages(pdf: bytes, first: int, last: int, workdir: Path) -> list[bytes]:
    """Pages first..last of a PDF as PNG bytes, 1366 px wide (poppler's pdftoppm)."""
    src = workdir / "doc.pdf"
    src.write_bytes(pdf)
    prefix = workdir / "page"
    for old in workdir.glob("page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-f", str(first), "-l", str(last), "-scale-to-x", str(WIDTH), "-scale-to-y", "-1"]
        + [str(src), str(prefix)],
        check=True,
    )
    return [p.read_bytes() for p in sorted(workdir.glob("page-*.png"))]


def summary_page(pdf: bytes, workdir: Path) -> int:
    """The number of the report's first page that calls itself a summary (page 1 if none does)."""
    src = workdir / "report.pdf"
    src.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(src), "-"], check=True, capture_output=True, text=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if re.search(r"\bsummary\b", page, re.I):
            return number
    return 1


def take(url: str, out: Path, max_height: int, workdir: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": WIDTH, "height": 900})
        page = context.new_page()
        page.goto(url + "/accounts/login/")
        page.fill("input[name=username]", "duhead")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("load")

        page_shot(page, url + "/", out / "portfolio.png", max_height)
        page_shot(page, url + "/indicators/ae-4h/", out / "indicator.png", max_height)
        page_shot(page, url + "/plans/ae-waits/", out / "plan.png", max_height)
        page_shot(page, url + "/collection/queue/", out / "queue.png", max_height)

        page.goto(url + "/routines/")
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(a => a.getAttribute('href'))")
        meeting = next(h for h in hrefs if re.fullmatch(r"/routines/meetings/\d+/", h))
        rounds = [h for h in hrefs if re.fullmatch(r"/routines/rounds/\d+/", h)]
        round_ = max(rounds, key=lambda h: int(h.split("/")[3]))  # the latest round

        print("  generating the meeting pack and the delivery report (this can take a minute)")
        pack = context.request.get(url + meeting + "pack.pdf", timeout=600000)
        assert pack.ok and pack.headers["content-type"].startswith("application/pdf"), pack.status
        for n, png in enumerate(pdf_pages(pack.body(), 1, 2, workdir), start=1):
            save_png(png, out / f"pack-{n}.png", max_height)
        report = context.request.get(url + round_ + "report.pdf", timeout=600000)
        assert report.ok and report.headers["content-type"].startswith("application/pdf"), report.status
        n = summary_page(report.body(), workdir)
        save_png(pdf_pages(report.body(), n, n, workdir)[0], out / "report-summary.png", max_height)

        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
        phone.add_cookies(context.cookies())
        mobile = phone.new_page()
        page_shot(
            mobile,
            url + "/",
            out / "portfolio-phone.png",
            max_height,
            before=lambda pg: pg.click("tbody.priority-group summary >> nth=0"),
        )
        browser.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="where the demo's database lives (default: a scratch directory)")
    parser.add_argument(
        "--reuse", action="store_true", help="the data directory already holds the demo: do not load it"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "design")
    parser.add_argument("--max-height", type=int, default=2000, help="cut taller pages here (pixels)")
    args = parser.parse_args(argv)
    scratch = tempfile.TemporaryDirectory(prefix="stocktake-shots-")
    data_dir = (args.data_dir or Path(scratch.name)).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # always a SQLite file in the data directory: never the database a STOCKTAKE_DATABASE_URL in the shell names
    env = {
        **os.environ,
        "STOCKTAKE_DATA_DIR": str(data_dir),
        "STOCKTAKE_DATABASE_URL": f"sqlite:///{data_dir / 'demo.sqlite3'}",
    }
    if not args.reuse:
        print("loading the demo")
        stocktake("demo", env=env, stdout=subprocess.DEVNULL)
    args.out.mkdir(parents=True, exist_ok=True)
    server, url = start_server(env, data_dir)
    try:
        with tempfile.TemporaryDirectory() as work:
            take(url, args.out, args.max_height, Path(work))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        scratch.cleanup()


if __name__ == "__main__":
    main()
