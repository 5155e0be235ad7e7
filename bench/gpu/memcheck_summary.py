#!/usr/bin/env python3
"""Issue 15's GPU check: `info`'s GPU answer against the driver's peak in a real run.

  memcheck_summary.py OUT_DIR SHAPE:TYPE...   (the files bench/gpu/run.sh memcheck wrote)

Per file it prints one Markdown row: llama.cpp's simulated GPU buffers, the runtime overhead `info`
measured (device memory in use once the CUDA context exists, before any buffer), their sum, the
driver's idle reading and peak during the eval, and the ratio sum / peak (target: within 3%). It
also shows what the eval itself recorded in results.json (its GPU buffers and the per-run device
overhead), so the two measurements of the overhead can be compared.
"""
import json
import os
import sys

MIB = 1024 * 1024


def read_text(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def mib_file(path):
    text = read_text(path)
    try:
        return float(text.split()[0])
    except (ValueError, IndexError):
        return None


def fmt(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}"


def main():
    out, specs = sys.argv[1], sys.argv[2:]
    print("| file | simulated GPU buffers MiB | info overhead MiB | info total MiB | idle MiB "
          "| peak during info MiB | eval peak MiB | ratio info/peak | eval GPU buffers MiB "
          "| eval overhead MiB (results.json) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for spec in specs:
        shape, typ = spec.split(":", 1)
        name = f"mc-{shape}-{typ}"
        info = read_json(os.path.join(out, f"{name}-info.json")) or {}
        mem = info.get("memory", {})
        gpu = mem.get("bytes_gpu")
        devices = [d for d in mem.get("devices", []) if not d.get("host")]
        overhead = sum(d.get("bytes_runtime_overhead", 0) for d in devices) if devices else None
        total = mem.get("bytes_gpu_with_overhead")
        idle = mib_file(os.path.join(out, f"{name}-idle.mib"))
        peak_info = mib_file(os.path.join(out, f"peak-{name}-info.mib"))
        peak = mib_file(os.path.join(out, f"peak-{name}-eval.mib"))
        ratio = (total / MIB) / peak if total and peak else None
        res = read_json(os.path.join(out, f"{name}-results.json")) or {}
        rmem = res.get("memory", {})
        eval_gpu = sum(b.get("bytes_weights", 0) + b.get("bytes_kv", 0) + b.get("bytes_compute", 0)
                       for b in rmem.get("buffers", []) if b.get("buffer", "").startswith("CUDA")
                       and b.get("buffer") != "CUDA_Host")
        eval_overhead = [d.get("bytes_device_overhead") for d in rmem.get("devices", [])
                         if d.get("bytes_device_overhead") is not None]
        print(f"| {shape} {typ.upper()} | {fmt(gpu / MIB if gpu else None, 1)} "
              f"| {fmt(overhead / MIB if overhead is not None else None, 1)} "
              f"| {fmt(total / MIB if total else None, 1)} | {fmt(idle)} | {fmt(peak_info)} | {fmt(peak)} "
              f"| {fmt(ratio, 4)} | {fmt(eval_gpu / MIB if eval_gpu else None, 1)} "
              f"| {', '.join(fmt(x / MIB, 1) for x in eval_overhead) or '-'} |")


if __name__ == "__main__":
    main()
