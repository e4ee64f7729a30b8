"""Benchmark writing one report's Word file: DocxBuilder against docxtpl and pandoc.

    .venv/bin/python benchmarks/bench_docx.py             # 20 documents per method
    .venv/bin/python benchmarks/bench_docx.py --repeat 50

The input is a real report: the bundled sample data's year-end review of the
first collector (zh-CN), Markdown and charts rendered once, outside the timing.
Each method then writes that report's .docx ``--repeat`` times, in a fresh
process of its own, so its peak memory is its own:

* ``builder``: one :class:`DocxBuilder` (prepared once, as the archive does),
  ``build`` per document;
* ``builder-cold``: :func:`render_docx`, preparing the builder every time;
* ``docxtpl``: a template .docx made here with Jinja tags for headings,
  paragraphs, bullet lists, tables (row and column loops) and pictures,
  filled with the same blocks (plain text: docxtpl gets no inline emphasis);
* ``pandoc``: pypandoc converting the same Markdown (gfm) to .docx, one pandoc
  process per document, as a program shelling out to pandoc would;
* ``charts``: not a writer, for scale: drawing the report's charts again
  (``.docx size`` is then the PNGs' total).

Prints the per-document time (median and best), the peak resident memory of
the measuring Python process (and of one pandoc process, through GNU time), and a
Markdown table for docs/performance.md. Needs the ``bench`` extra (docxtpl,
pypandoc-binary).
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

METHODS = ("builder", "builder-cold", "docxtpl", "pandoc", "charts")


def prepare_input(work: Path) -> None:
    """Render the review's Markdown and charts once; save them for the timed processes."""
    from reportgen.config import Config
    from reportgen.data.load import load_source
    from reportgen.metrics import MetricsEngine
    from reportgen.periods import parse_period
    from reportgen.render.demo import demo_reports
    from reportgen.render.report import Renderer, ReportOptions, build_report_models
    from reportgen.resources import sample_data_dir

    config = Config()
    dataset = load_source(sample_data_dir(), config)
    engine = MetricsEngine(dataset, config)
    review = demo_reports(dataset)[2]
    (model,) = build_report_models(engine, parse_period(review.period), [review.scope], config)
    renderer = Renderer(config, ReportOptions.build(language="zh-CN", formats="md"))
    markdown, images = renderer.render_markdown(model)
    (work / "report.md").write_text(markdown, encoding="utf-8")
    from reportgen.render.chart_specs import chart_specs

    specs = list(chart_specs(model, "zh-CN").values())
    (work / "charts.pickle").write_bytes(pickle.dumps(specs))
    for name, png in images.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(png)
    (work / "images.json").write_text(json.dumps(sorted(images)), encoding="utf-8")


def _load(work: Path) -> tuple[str, dict[str, bytes]]:
    markdown = (work / "report.md").read_text(encoding="utf-8")
    names = json.loads((work / "images.json").read_text(encoding="utf-8"))
    return markdown, {name: (work / name).read_bytes() for name in names}


def _properties():
    from reportgen.render.docx import DocProperties

    return DocProperties(
        title="benchmark",
        subject="benchmark",
        author="",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        language="zh-CN",
        header_text="benchmark",
    )


# --- the methods: each returns a function writing one .docx -------------------------------


def method_builder(work: Path):
    from reportgen.config import Config
    from reportgen.render.docx import DocxBuilder

    markdown, images = _load(work)
    builder = DocxBuilder(Config(), "zh-CN")
    properties = _properties()
    return lambda: builder.build(markdown, images, properties)


def method_builder_cold(work: Path):
    from reportgen.config import Config
    from reportgen.render.docx import render_docx

    markdown, images = _load(work)
    properties = _properties()
    return lambda: render_docx(markdown, images, properties, Config())


def method_charts(work: Path):
    """Not a Word writer: the report's charts, drawn again, for scale beside the writers."""
    from reportgen.render.charts import render_chart

    specs = pickle.loads((work / "charts.pickle").read_bytes())
    render_chart(specs[0], "zh-CN")  # font registration and matplotlib's caches: once
    return lambda: b"".join(render_chart(spec, "zh-CN") for spec in specs)


def method_pandoc(work: Path):
    import pypandoc

    markdown, _images = _load(work)
    out = work / "pandoc.docx"

    def write() -> bytes:
        pypandoc.convert_text(
            markdown,
            "docx",
            format="gfm",
            outputfile=str(out),
            extra_args=[f"--resource-path={work}"],
        )
        return out.read_bytes()

    return write


def method_docxtpl(work: Path):
    import io

    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    markdown, images = _load(work)
    blocks = markdown_blocks(markdown)
    template_path = work / "template.docx"
    make_docxtpl_template(template_path)

    def write() -> bytes:
        template = DocxTemplate(str(template_path))
        context_blocks = []
        for block in blocks:
            if block["kind"] == "image":
                picture = InlineImage(template, io.BytesIO(images[block["path"]]), width=Mm(150))
                context_blocks.append({"kind": "image", "image": picture})
            else:
                context_blocks.append(block)
        template.render({"title": blocks[0]["text"], "blocks": context_blocks[1:]})
        buffer = io.BytesIO()
        template.save(buffer)
        return buffer.getvalue()

    return write


def markdown_blocks(markdown: str) -> list[dict]:
    """The report as the plain blocks a docxtpl template loops over."""
    from reportgen.render.docx_markdown import markdown_parser

    tokens = markdown_parser().parse(markdown)
    blocks: list[dict] = []
    in_list = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            level = int(token.tag[1])
            blocks.append({"kind": f"h{level}", "text": tokens[index + 1].content})
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            in_list = True
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            in_list = False
        elif token.type == "paragraph_open":
            inline = tokens[index + 1]
            images = [c for c in inline.children or [] if c.type == "image"]
            if images:
                blocks.append({"kind": "image", "path": images[0].attrs["src"]})
            else:
                text = "".join(c.content for c in inline.children or [] if c.content)
                blocks.append({"kind": "bullet" if in_list else "paragraph", "text": text})
        elif token.type == "table_open":
            rows: list[list[str]] = []
            while tokens[index].type != "table_close":
                if tokens[index].type == "tr_open":
                    rows.append([])
                elif tokens[index].type == "inline":
                    rows[-1].append(tokens[index].content)
                index += 1
            blocks.append({"kind": "table", "header": rows[0], "rows": rows[1:]})
        index += 1
    return blocks


def make_docxtpl_template(path: Path) -> None:
    """A Word template whose Jinja tags lay out any list of blocks."""
    from docx import Document

    document = Document()
    document.add_paragraph("{{ title }}", style="Title")
    document.add_paragraph("{%p for block in blocks %}")
    for kind, style in (("h2", "Heading 1"), ("h3", "Heading 2"), ("h4", "Heading 3")):
        keyword = "if" if kind == "h2" else "elif"
        document.add_paragraph(f"{{%p {keyword} block.kind == '{kind}' %}}")
        document.add_paragraph("{{ block.text }}", style=style)
    document.add_paragraph("{%p elif block.kind == 'paragraph' %}")
    document.add_paragraph("{{ block.text }}")
    document.add_paragraph("{%p elif block.kind == 'bullet' %}")
    document.add_paragraph("{{ block.text }}", style="List Bullet")
    document.add_paragraph("{%p elif block.kind == 'image' %}")
    document.add_paragraph("{{ block.image }}")
    document.add_paragraph("{%p elif block.kind == 'table' %}")
    table = document.add_table(rows=4, cols=3, style="Table Grid")
    header, opening, body, closing = table.rows
    for cell, text in zip(
        header.cells, ("{%tc for h in block.header %}", "{{ h }}", "{%tc endfor %}"), strict=True
    ):
        cell.text = text
    opening.cells[0].text = "{%tr for row in block.rows %}"
    for cell, text in zip(
        body.cells, ("{%tc for c in row %}", "{{ c }}", "{%tc endfor %}"), strict=True
    ):
        cell.text = text
    closing.cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")
    document.save(path)


# --- measuring ----------------------------------------------------------------------------


def run_one(method: str, work: Path, repeat: int) -> dict:
    """In this process: prepare the method, write ``repeat`` documents, report times."""
    factory = {
        "builder": method_builder,
        "builder-cold": method_builder_cold,
        "docxtpl": method_docxtpl,
        "pandoc": method_pandoc,
        "charts": method_charts,
    }[method]
    started = time.perf_counter()
    write = factory(work)
    prepare_seconds = time.perf_counter() - started
    times, cpu_times, size = [], [], 0
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        size = len(write())
        times.append(time.perf_counter() - started)
        cpu_times.append(_cpu_seconds() - cpu_started)
    return {
        "method": method,
        "prepare_s": prepare_seconds,
        "median_s": statistics.median(times),
        "best_s": min(times),
        "cpu_median_s": statistics.median(cpu_times),
        "bytes": size,
        "peak_kib": _own_peak_kib(),
        "pandoc_peak_kib": _pandoc_peak_kib(work) if method == "pandoc" else None,
    }


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (pandoc): on a shared machine
    it says more than the wall time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _own_peak_kib() -> int:
    """This process's peak RSS (VmHWM). Unlike ru_maxrss it is not inherited from the
    parent across fork and exec, and the parent here holds the whole sample data."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _pandoc_peak_kib(work: Path) -> int | None:
    """pandoc's own peak RSS for one conversion, through GNU time when it is installed."""
    import shutil

    import pypandoc

    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if gnu_time is None:
        return None
    command = [
        gnu_time,
        "-f",
        "%M",
        pypandoc.get_pandoc_path(),
        str(work / "report.md"),
        "-f",
        "gfm",
        "-t",
        "docx",
        "-o",
        str(work / "pandoc-time.docx"),
        f"--resource-path={work}",
    ]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return int(result.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--one", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.work, args.repeat)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-docx-") as tmp:
        work = Path(tmp)
        prepare_input(work)
        markdown = (work / "report.md").read_text(encoding="utf-8")
        print(
            f"input: {len(markdown):,} characters of Markdown, "
            f"{len(json.loads((work / 'images.json').read_text()))} charts, "
            f"{markdown.count(chr(10) + '|---')} tables",
            file=sys.stderr,
        )
        results = []
        for method in METHODS:
            command = [sys.executable, __file__, "--one", method, "--work", str(work)]
            output = subprocess.run(
                [*command, "--repeat", str(args.repeat)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results.append(json.loads(output))
            print(output.strip(), file=sys.stderr)
    print(
        "| method | per document: wall, median | best | CPU, median | prepare once "
        "| .docx size | peak RSS |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        peak = f"{r['peak_kib'] / 1024:.0f} MiB"
        if r["pandoc_peak_kib"] is not None:
            peak += f" + pandoc {r['pandoc_peak_kib'] / 1024:.0f} MiB"
        print(
            f"| {r['method']} | {r['median_s'] * 1000:.0f} ms | {r['best_s'] * 1000:.0f} ms "
            f"| {r['cpu_median_s'] * 1000:.0f} ms "
            f"| {r['prepare_s'] * 1000:.0f} ms | {r['bytes'] / 1024:.0f} KiB | {peak} |"
        )


if __name__ == "__main__":
    main()
