"""Benchmark loading and validating a big data source (``reportgen validate``).

    .venv/bin/python benchmarks/bench_load.py                       # 10M contacts
    .venv/bin/python benchmarks/bench_load.py --contacts 1000000    # a smaller run
    .venv/bin/python benchmarks/bench_load.py --encoding gb18030    # a GBK contacts file

Writes a synthetic source (200 collectors, 13 monthly snapshots of 40,000
accounts, N contacts in ``contacts.csv.gz``, payments), with numpy and
pyarrow so that generating it is quick, then times ``reportgen validate
SOURCE`` in a fresh process: wall time and peak resident memory
(``RUSAGE_CHILDREN`` ru_maxrss). Prints a Markdown section for
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
print(json.dumps({"code": done.returncode, "seconds": seconds, "peak_kib": peak, "cpu": cpu,
                  "stdout": done.stdout, "stderr": done.stderr[-2000:]}))
"""

COLLECTORS = 200
ACCOUNTS = 40_000
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]
CHANNELS = np.array(["call", "call", "call", "sms", "im", "visit", "letter", "email"])
OUTCOMES = np.array(["no_answer", "busy", "right_party", "third_party", "refused", "promise"])
# A GBK file is written the way a Chinese export looks: Chinese headers and values.
CHINESE_HEADERS = [
    "催收时间",
    "客户编号",
    "催收员",
    "渠道",
    "结果",
    "通话时长",
    "承诺金额",
    "承诺日期",
]
CHINESE_VALUES = {
    "call": "电话",
    "sms": "短信",
    "im": "微信",
    "visit": "外访",
    "letter": "信函",
    "email": "邮件",
    "no_answer": "未接",
    "busy": "占线",
    "right_party": "本人",
    "third_party": "第三方",
    "refused": "拒绝",
    "promise": "承诺还款",
}


def _write_csv(table: pa.Table, path: Path, encoding: str) -> None:
    if encoding == "utf-8":
        with pa.CompressedOutputStream(str(path), "gzip") as out:
            pacsv.write_csv(table, out)
        return
    import gzip
    import io

    for position in (3, 4):  # channel, outcome
        column = table.column(position)
        for code, label in CHINESE_VALUES.items():
            column = pc.replace_substring_regex(column, f"^{code}$", label)
        table = table.set_column(position, table.column_names[position], column)
    table = table.rename_columns(CHINESE_HEADERS)
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer)
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(buffer.getvalue().decode("utf-8").encode(encoding))


def generate(folder: Path, contacts: int, encoding: str, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.char.add("C", np.char.zfill(np.arange(1, COLLECTORS + 1).astype(str), 3))
    pacsv.write_csv(
        pa.table(
            {
                "collector_id": ids,
                "name": np.char.add("催收员", np.arange(COLLECTORS).astype(str)),
                "team_id": np.char.add("T", (np.arange(COLLECTORS) // 10).astype(str)),
            }
        ),
        folder / "collectors.csv",
    )
    account_ids = np.char.zfill(np.arange(1, ACCOUNTS + 1).astype(str), 8)
    holder = ids[rng.integers(0, COLLECTORS, ACCOUNTS)]
    months = np.repeat(np.array(["2023-12", *MONTHS]), ACCOUNTS)
    n = len(months)
    pacsv.write_csv(
        pa.table(
            {
                "month": months,
                "account_id": np.tile(account_ids, 13),
                "collector_id": np.tile(holder, 13),
                "dpd": rng.integers(0, 180, n),
                "balance": np.char.mod("%.2f", rng.integers(0, 5_000_000, n) / 100),
            }
        ),
        folder / "accounts.csv",
    )
    who = rng.integers(0, ACCOUNTS, contacts)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    stamps = start + rng.integers(0, 366 * 86400, contacts).astype("timedelta64[s]")
    outcome = OUTCOMES[rng.integers(0, len(OUTCOMES), contacts)]
    channel = CHANNELS[rng.integers(0, len(CHANNELS), contacts)]
    promise = pa.array(outcome == "promise")
    call = pa.array(channel == "call")
    due = stamps.astype("datetime64[D]") + rng.integers(1, 10, contacts).astype("timedelta64[D]")
    cents = pa.array(rng.integers(100, 100_000, contacts))
    amount = pc.binary_join_element_wise(
        pc.cast(pc.divide(cents, 100), pa.string()),
        pc.utf8_lpad(pc.cast(pc.remainder(cents, 100), pa.string()), 2, "0"),
        ".",
    )
    blank = pa.scalar(None, pa.string())
    table = pa.table(
        {
            "contacted_at": pa.array(stamps).cast(pa.string()),
            "account_id": account_ids[who],
            "collector_id": holder[who],
            "channel": channel,
            "outcome": outcome,
            "duration_s": pc.if_else(
                call, pa.array(rng.integers(0, 600, contacts)).cast(pa.string()), blank
            ),
            "promise_amount": pc.if_else(promise, amount, blank),
            "promise_date": pc.if_else(promise, pa.array(due).cast(pa.string()), blank),
        }
    )
    _write_csv(table, folder / "contacts.csv.gz", encoding)
    payers = rng.integers(0, ACCOUNTS, contacts // 20)
    pacsv.write_csv(
        pa.table(
            {
                "paid_on": (np.datetime64("2024-01-01") + rng.integers(0, 366, len(payers))).astype(
                    str
                ),
                "account_id": account_ids[payers],
                "collector_id": holder[payers],
                "amount": np.char.mod("%.2f", rng.integers(100, 1_000_000, len(payers)) / 100),
            }
        ),
        folder / "payments.csv",
    )


def measure(command: list[str]) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "gb18030"])
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--keep", action="store_true", help="keep the source in --work, and reuse one kept there"
    )
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-load-"))
    source = work / "source"
    started = time.perf_counter()
    if not (args.keep and (source / "contacts.csv.gz").is_file()):
        generate(source, args.contacts, args.encoding)  # else reuse a kept source
    generated = time.perf_counter() - started
    size = (source / "contacts.csv.gz").stat().st_size
    result = measure([sys.executable, "-m", "reportgen", "validate", str(source)])
    if result["code"] != 0:
        raise SystemExit(f"validate failed:\n{result['stderr']}")
    if not args.keep:
        shutil.rmtree(work)

    print(f"## data loading ({args.contacts:,} contacts, {args.encoding})\n")
    print(
        f"Command: `.venv/bin/python benchmarks/bench_load.py --contacts {args.contacts}"
        f" --encoding {args.encoding}`  "
    )
    print(
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}; source generated in {generated:.0f} s; "
        f"contacts.csv.gz {size / 2**20:.0f} MiB.\n"
    )
    print("| what | wall time | CPU time (user + sys) | peak memory |\n|---|---|---|---|")
    print(
        f"| `reportgen validate` (load + every check) | {result['seconds']:.1f} s | "
        f"{result['cpu']:.1f} s | {result['peak_kib'] / 2**20:.2f} GiB |"
    )
    print(f"\nLoad average when measured: {os.getloadavg()[0]:.1f}.")
    print("\n```\n" + result["stdout"].rstrip() + "\n```")


if __name__ == "__main__":
    main()
