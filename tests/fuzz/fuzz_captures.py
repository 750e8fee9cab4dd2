#!/usr/bin/env python3
"""Robustness: synsight inside tshark on damaged input, under sanitizers.

    fuzz_captures.py --plugin build-asan/synsight.so --preload LIBS [--long]

For every bundled capture it makes mutated copies (editcap -E at several
error rates and seeds), truncated copies (editcap -s at several snap
lengths), and adds random packets from randpkt; then it runs tshark -2 -V
with the plugin on each. Any sanitizer report, crash or hang fails the run.
The default is the fast subset CI runs; --long is the soak (more seeds and
rates). Prints "N passed, M failed".
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from harness import CAPTURES, Tshark, prove_loaded  # noqa: E402

RANDPKT_TYPES = ["tcp", "ip", "icmp", "eth", "udp"]


def variants(work, long):
    rates = [0.01, 0.05, 0.3] if long else [0.02, 0.2]
    seeds = range(1, 9) if long else range(1, 2)
    snaps = [14, 34, 42, 54, 60, 70, 90] if long else [38, 58, 80]
    for cap in sorted(glob.glob(os.path.join(CAPTURES, "*.pcapng"))):
        name = os.path.basename(cap)[:-7]
        for rate in rates:
            for seed in seeds:
                out = os.path.join(work, f"{name}.E{rate}.s{seed}.pcapng")
                subprocess.run(["editcap", "-E", str(rate), "--seed", str(seed), cap, out],
                               check=True, capture_output=True)
                yield out
        for snap in snaps:
            out = os.path.join(work, f"{name}.snap{snap}.pcapng")
            subprocess.run(["editcap", "-s", str(snap), cap, out], check=True, capture_output=True)
            yield out
    if shutil.which("randpkt"):
        for kind in RANDPKT_TYPES:
            for seed in (range(1, 6) if long else range(1, 2)):
                out = os.path.join(work, f"randpkt.{kind}.{seed}.pcap")
                subprocess.run(["randpkt", "-b", "400", "-c", "3000" if long else "800", "-t", kind, out],
                               check=True, capture_output=True)
                yield out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--plugin", required=True)
    p.add_argument("--ws-version", required=True)
    p.add_argument("--preload", default="")
    p.add_argument("--long", action="store_true")
    a = p.parse_args()
    ts = Tshark(a.plugin, a.ws_version, a.preload or None)
    passed = failed = 0
    try:
        prove_loaded(ts)
        work = os.path.join(ts.dir, "fuzz")
        os.makedirs(work)
        os.chmod(work, 0o755)
        for path in variants(work, a.long):
            os.chmod(path, 0o644)
            for args in (["-2", "-V"], ["-V"]):
                problem = ts.run_unchecked(*args, "-r", path)
                if problem:
                    failed += 1
                    print(f"FAIL {os.path.basename(path)} {' '.join(args)}: {problem}")
                else:
                    passed += 1
            os.remove(path)
    finally:
        ts.close()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
