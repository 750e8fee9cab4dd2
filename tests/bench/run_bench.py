#!/usr/bin/env python3
"""Benchmark: tshark with and without synsight on a large capture.

    tests/bench/run_bench.py --plugin build/synsight.so [--runs 5] [--capture big.pcap]
    tests/bench/run_bench.py --plugin build/synsight.so --scenarios [--runs 3]

    tests/bench/run_bench.py --plugin build/synsight.so --scenarios --instructions [--jobs 2]

--scenarios runs the figures of the cost-at-scale targets, one capture each
(generated once into /tmp/synsight-bench/): the mixed capture; a SYN flood
of 1,000,000 distinct sources, one SYN each; 200,000 connections captured
mid-stream (two segments each); 200,000 attempts of 7 SYNs; one connection
mid-stream with 400,000 segments. It prints one table: time and peak-memory
ratios, and the extra peak memory per attempt, connection or segment.

--instructions counts instructions instead (valgrind's callgrind), on the
same scenarios at a tenth of their size (the mixed capture's first 100,000
packets): deterministic where the wall clock of a shared machine is not,
and the figure the time targets are judged by. A tenth of an hour or so of
valgrind (--jobs runs that many at once).

Both sides force full dissection the same way (a display filter,
-Y tcp.flags.reset==1), in single pass and in two passes (-2). Runs are
interleaved (without, with, without, with, ...) so that drift on the machine
hits both alike; the report gives medians and the ratios, and the peak
resident memory of each side. Not a test: it asserts nothing, it measures.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def plugin_dir(plugin, ws_version):
    d = tempfile.mkdtemp(prefix="synsight-bench-", dir="/tmp")
    os.makedirs(os.path.join(d, "extcap"))
    if plugin:
        epan = os.path.join(d, ws_version, "epan")
        os.makedirs(epan)
        shutil.copy(plugin, os.path.join(epan, "synsight.so"))
    for root, dirs, files in os.walk(d):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    return d


def run(d, capture, args):
    cmd = ["env", "-i", f"HOME={d}", f"WIRESHARK_PLUGIN_DIR={d}", f"WIRESHARK_EXTCAP_DIR={d}/extcap",
           "PATH=/usr/bin:/bin", "tshark", "-r", capture, *args]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.monotonic() - start
    err = p.stderr.read().decode()
    if status != 0:
        sys.exit(f"tshark failed: {err}")
    return elapsed, usage.ru_maxrss / 1024.0  # MiB


# Both modes of the cost-at-scale tables, dissection forced alike on both sides.
SCENARIO_MODES = {"1 pass": ["-Y", "tcp.flags.reset==1"], "-2": ["-2", "-Y", "tcp.flags.reset==1"]}


def count_instructions(d, capture, args):
    """tshark's instructions, all of them, under callgrind."""
    cmd = ["env", "-i", f"HOME={d}", f"WIRESHARK_PLUGIN_DIR={d}", f"WIRESHARK_EXTCAP_DIR={d}/extcap",
           "PATH=/usr/bin:/bin", "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
           "tshark", "-r", capture, *args]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not found:
        sys.exit(f"tshark under callgrind failed: {p.stderr[-2000:]}")
    return int(found.group(1))


SCENARIOS = [  # name, generator arguments, what a unit is, how many
    ("mixed", [], "packet", None),
    ("SYN flood", ["--syn-flood", "1000000"], "attempt", 1_000_000),
    ("mid-stream connections", ["--midstream", "200000"], "connection", 200_000),
    ("7-SYN attempts", ["--syn-trains", "200000"], "attempt", 200_000),
    ("one long mid-stream connection", ["--long-stream", "400000"], "segment", 400_000),
]


def ensure_capture(path, gen_args):
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(HERE, "make_bench_capture.py"), path, *gen_args], check=True)
        os.chmod(os.path.dirname(path), 0o755)
        os.chmod(path, 0o644)


def measure(without, with_, capture, args, runs):
    times = {"without": [], "with": []}
    mem = {"without": [], "with": []}
    for _ in range(runs):
        for side, d in (("without", without), ("with", with_)):
            t, m = run(d, capture, args)
            times[side].append(t)
            mem[side].append(m)
    return (statistics.median(times["without"]), statistics.median(times["with"]),
            statistics.median(mem["without"]), statistics.median(mem["with"]))


def tenth_capture(a, gen_args, units):
    """The scenario's capture at a tenth of its size."""
    directory = os.path.dirname(a.capture)
    if not gen_args:
        path = os.path.join(directory, "small.pcap")
        if not os.path.exists(path):
            ensure_capture(a.capture, [])
            subprocess.run(["editcap", "-r", a.capture, path, "1-100000"], check=True)
            os.chmod(path, 0o644)
        return path
    path = os.path.join(directory, gen_args[0].strip("-") + "-tenth.pcap")
    ensure_capture(path, [gen_args[0], str(units // 10)])
    return path


def instruction_table(a, without, with_):
    if not shutil.which("valgrind"):
        sys.exit("--instructions needs valgrind (apt-get install valgrind)")
    print(f"tshark {a.ws_version}; instructions (callgrind), each scenario at a tenth of its size")
    print(f"{'capture (a tenth)':32s} {'mode':6s} {'without':>16s} {'with':>16s} {'ratio':>7s}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for name, gen_args, unit, units in SCENARIOS:
            if a.only and name not in a.only:
                continue
            capture = tenth_capture(a, gen_args, units)
            for mode, args in SCENARIO_MODES.items():
                runs = [pool.submit(count_instructions, d, capture, args) for d in (without, with_)]
                iw, ip = (r.result() for r in runs)
                print(f"{name:32s} {mode:6s} {iw:16,d} {ip:16,d} {ip / iw:7.4f}", flush=True)


def scenarios(a, without, with_):
    print(f"tshark {a.ws_version}; {a.runs} interleaved runs per side and mode; medians; {os.cpu_count()} cores")
    print(f"{'capture':32s} {'mode':6s} {'time without':>12s} {'with':>8s} {'ratio':>6s} "
          f"{'RSS without':>12s} {'with':>9s} {'ratio':>6s}  extra per unit")
    for name, gen_args, unit, units in SCENARIOS:
        if a.only and name not in a.only:
            continue
        capture = a.capture if not gen_args else os.path.join(os.path.dirname(a.capture),
                                                               gen_args[0].strip("-") + ".pcap")
        ensure_capture(capture, gen_args)
        for mode, args in SCENARIO_MODES.items():
            tw, tp, mw, mp = measure(without, with_, capture, args, a.runs)
            extra = f"{(mp - mw) * 1024 * 1024 / units:7.0f} B per {unit}" if units else ""
            print(f"{name:32s} {mode:6s} {tw:10.2f} s {tp:6.2f} s {tp / tw:6.3f} {mw:8.1f} MiB {mp:5.1f} MiB "
                  f"{mp / mw:6.3f}  {extra}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", default=subprocess.run(["pkg-config", "--modversion", "wireshark"],
                    capture_output=True, text=True).stdout.strip().rsplit(".", 1)[0])
    ap.add_argument("--capture", default="/tmp/synsight-bench/big.pcap")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scenarios", action="store_true", help="the cost-at-scale table (see above)")
    ap.add_argument("--instructions", action="store_true",
                    help="with --scenarios: count instructions (callgrind) at a tenth of the size")
    ap.add_argument("--jobs", type=int, default=1, help="with --instructions: this many valgrind runs at once")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="with --scenarios: only this scenario (repeatable), e.g. --only 'SYN flood'")
    a = ap.parse_args()
    if a.scenarios:
        without, with_ = plugin_dir(None, a.ws_version), plugin_dir(a.plugin, a.ws_version)
        try:
            if a.instructions:
                instruction_table(a, without, with_)
            else:
                ensure_capture(a.capture, [])
                scenarios(a, without, with_)
        finally:
            shutil.rmtree(without)
            shutil.rmtree(with_)
        return
    if not os.path.exists(a.capture):
        os.makedirs(os.path.dirname(a.capture), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(HERE, "make_bench_capture.py"), a.capture], check=True)
        os.chmod(os.path.dirname(a.capture), 0o755)
        os.chmod(a.capture, 0o644)
    without, with_ = plugin_dir(None, a.ws_version), plugin_dir(a.plugin, a.ws_version)
    packets = subprocess.run(["capinfos", "-c", "-M", a.capture], capture_output=True, text=True).stdout.split()[-1]
    print(f"capture: {a.capture} ({packets} packets); {a.runs} interleaved runs per side; tshark "
          f"{a.ws_version}; {os.cpu_count()} cores")
    modes = {"single pass": ["-Y", "tcp.flags.reset==1"], "two-pass (-2)": ["-2", "-Y", "tcp.flags.reset==1"]}
    for mode, args in modes.items():
        times = {"without": [], "with": []}
        mem = {"without": [], "with": []}
        for _ in range(a.runs):
            for side, d in (("without", without), ("with", with_)):
                t, m = run(d, a.capture, args)
                times[side].append(t)
                mem[side].append(m)
        tw, tp = statistics.median(times["without"]), statistics.median(times["with"])
        mw, mp = max(mem["without"]), max(mem["with"])
        print(f"{mode:14s} time: without {tw:7.2f} s, with {tp:7.2f} s, ratio {tp / tw:.3f}   "
              f"peak RSS: without {mw:7.1f} MiB, with {mp:7.1f} MiB, ratio {mp / mw:.3f}")
    shutil.rmtree(without)
    shutil.rmtree(with_)


if __name__ == "__main__":
    main()
