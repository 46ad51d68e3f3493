#!/usr/bin/env python3
"""Parser accuracy on text that real tools make of report documents.

Researchers rarely hold the text forms xxgk's synthetic corpus imitates; they hold what their own
tools give: a browser's copy of the report page, a crawler's `textContent`, LibreOffice's text
export of the DOCX, `pdftotext` or pdfplumber on the PDF. This benchmark takes reports with
known values (the five seeds' truth files, the DOCX fixtures in the official layout, and N
synthetic reports), writes each as a document (`xxgk render` to DOCX/HTML, or the synthetic
Word/clean HTML page), runs the real tool on it, parses the tool's text and scores it with
shared/tools/score.py's logic (see benchmarks/accuracy.py).

    .venv/bin/python benchmarks/tools.py              # N = 20 synthetic reports per edition
    .venv/bin/python benchmarks/tools.py --n 40 --keep /tmp/tools

Needs soffice (LibreOffice), pdftotext (poppler-utils) and /usr/bin/chromium; a tool that is
missing is reported and its rows skipped.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import re
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy import _load_shared, _score_main, run_scorer  # noqa: E402

from xxgk import synth  # noqa: E402
from xxgk.load import load_report  # noqa: E402
from xxgk.parse import parse_document  # noqa: E402
from xxgk.readers import read_path  # noqa: E402
from xxgk.render import render_bytes  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def _truths(n: int) -> dict[str, tuple[dict, object]]:
    """name → (truth JSON, report): seeds, DOCX fixtures, n synthetic reports per edition."""
    out: dict[str, tuple[dict, object]] = {}
    files = sorted((ROOT / "tests" / "fixtures" / "checks").glob("00[0-9]_*.json"))
    files += sorted((ROOT / "tests" / "fixtures" / "docx").glob("*.truth.json"))
    for f in files:
        out[f.name.replace(".truth.json", "").replace(".json", "")] = (
            json.loads(f.read_text(encoding="utf-8")), load_report(f))
    for i in range(n):
        for edition in ("2019", "2021"):
            report = synth.random_report(random.Random(7000 + i), edition)
            truth = synth.truth_json(report)
            out[f"synth_{edition}_{i:03d}"] = (truth, report)
    return out


def _soffice(src: pathlib.Path, to: str) -> pathlib.Path:
    subprocess.run(["soffice", f"-env:UserInstallation=file:///tmp/xxgk-soffice-{os.getpid()}", "--headless",
                    "--convert-to", to, "--outdir", str(src.parent), str(src)],
                   check=True, capture_output=True, timeout=300)
    return src.with_suffix("." + to.split(":")[0])


def _plumber(pdf: pathlib.Path) -> str:
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "parse"))
    from make_exports import _plumber_text

    return _plumber_text(pdf)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="synthetic reports per edition")
    ap.add_argument("--keep", type=pathlib.Path, help="keep the documents and texts here")
    args = ap.parse_args()
    shared = _load_shared()
    scorer = shared.main if shared is not None else _score_main
    missing = [t for t, ok in (("soffice", shutil.which("soffice")), ("pdftotext", shutil.which("pdftotext")),
                               ("chromium", pathlib.Path(CHROMIUM).exists())) if not ok]
    work = args.keep or pathlib.Path(tempfile.mkdtemp(prefix="xxgk-tools-"))
    truths = _truths(args.n)
    texts: dict[str, dict[str, str]] = {}  # form → name → text

    def put(form: str, name: str, text: str) -> None:
        texts.setdefault(form, {})[name] = text

    docs = work / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, (_, report) in truths.items():
        (docs / f"{name}.docx").write_bytes(render_bytes(report, "docx"))  # type: ignore[arg-type]
        (docs / f"{name}.html").write_bytes(render_bytes(report, "html"))  # type: ignore[arg-type]
        if name.startswith("synth_"):
            i, edition = int(name[-3:]), name[6:10]
            for layout in ("html_word", "html_clean"):
                page = synth.render(report, layout, random.Random(7000 + i))  # type: ignore[arg-type]
                (docs / f"{name}.{layout}.html").write_bytes(page if isinstance(page, bytes) else page.encode())
    if "soffice" not in missing:
        for name in truths:
            docx = docs / f"{name}.docx"
            put("LibreOffice text export of the DOCX", name, _soffice(docx, "txt:Text (encoded):UTF8")
                .read_text(encoding="utf-8-sig"))
            pdf = _soffice(docx, "pdf")
            if "pdftotext" not in missing:
                out = docs / f"{name}.layout.txt"
                subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), str(out)], check=True)
                put("pdftotext -layout of the PDF", name, out.read_text(encoding="utf-8"))
            put("pdfplumber tables + text of the PDF", name, _plumber(pdf))
    if "chromium" not in missing:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page()
            for name in truths:
                page.goto((docs / f"{name}.html").as_uri())
                put("browser copy (innerText) of the rendered page", name, page.evaluate("document.body.innerText"))
                put("crawler textContent of the rendered page", name, page.evaluate("document.body.textContent"))
                for layout in ("html_word", "html_clean"):
                    path = docs / f"{name}.{layout}.html"
                    if path.exists():
                        page.goto(path.as_uri())
                        put(f"browser copy (innerText) of a synthetic {layout} page", name,
                            page.evaluate("document.body.innerText"))
            browser.close()

    print(f"reports: {len(truths)} ({sum(1 for n in truths if not n.startswith('synth_'))} seeds and "
          f"fixtures, {args.n} synthetic per edition); tools missing: {', '.join(missing) or 'none'}")
    print()
    print("| text | reports | strict cells | lenient | metadata | reports fully right |")
    print("|---|---:|---:|---:|---:|---:|")
    for form, by_name in texts.items():
        group = work / re.sub(r"[^\w]+", "-", form).strip("-")
        for part in ("truth", "text", "parsed"):
            shutil.rmtree(group / part, ignore_errors=True)
            (group / part).mkdir(parents=True)
        for name, text in by_name.items():
            (group / "truth" / f"{name}.json").write_text(json.dumps(truths[name][0], ensure_ascii=False),
                                                         encoding="utf-8")
            src = group / "text" / f"{name}.txt"
            src.write_text(text, encoding="utf-8")
            try:
                report = parse_document(read_path(src))
            except Exception as exc:  # a failure is a missing output, scored as such
                print(f"  {form}: {name}: {exc}", file=sys.stderr)
                continue
            (group / "parsed" / f"{name}.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False),
                                                          encoding="utf-8")
        s = run_scorer(scorer, group / "truth", group / "parsed", False)
        print(f"| {form} | {s.reports} | {s.strict_pct:.2f}% | {s.lenient_pct:.2f}% | "
              f"{s.meta_pct:.1f}% | {s.perfect}/{s.reports} |")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
