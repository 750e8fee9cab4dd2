#!/usr/bin/env python3
"""Robustness: synsight inside tshark on damaged input, under sanitizers.

    fuzz_captures.py --plugin build-asan/synsight.so --preload LIBS [--long]

For every bundled capture it makes mutated copies (editcap -E at several
error rates and seeds), truncated copies (editcap -s at several snap
lengths) and copies whose timestamps a damaged or merged capture could
carry (absurd times: the year 200,000 or before 1970, shuffled, jittered,
duplicated, swapped frames), and adds random packets from randpkt; then it
runs tshark -2 -V with the plugin on each. Any sanitizer report, crash or hang fails the run.
The default is the fast subset CI runs; --long is the soak (more seeds and
rates). Prints "N passed, M failed".
"""
import glob
import os
import random
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from harness import CAPTURES, Tshark, plugin_arguments, prove_loaded  # noqa: E402

RANDPKT_TYPES = ["tcp", "ip", "icmp", "eth", "udp"]
# The quick run mutates the timestamps of the captures whose attempts have
# gaps, backoffs and elapsed times to compute; the soak, of every capture.
TIME_QUICK = ["syn-drop-linear", "syn-answered-late", "same-tuple-new-isn", "syn-refused-icmp-midway",
              "window-upload-large-shift", "synack-retry"]


def read_pcap(path):
    """(header, [(secs, nsecs, record bytes after the timestamp)]) of a
    nanosecond pcap written by editcap -F nsecpcap."""
    with open(path, "rb") as f:
        data = f.read()
    header, records, at = data[:24], [], 24
    while at + 16 <= len(data):
        secs, nsecs, incl = struct.unpack_from("<IIL", data, at)
        records.append((secs, nsecs, data[at + 8:at + 16 + incl]))
        at += 16 + incl
    return header, records


def write_pcap(path, header, records):
    with open(path, "wb") as f:
        f.write(header)
        for secs, nsecs, rest in records:
            f.write(struct.pack("<II", secs & 0xFFFFFFFF, nsecs % 1_000_000_000) + rest)


def time_mutations(cap, name, work, seed):
    """Copies of cap with the timestamps of a damaged or merged capture."""
    for label, shift in (("year200000", "6213097206221"), ("before1970", "-2000000000")):
        out = os.path.join(work, f"{name}.{label}.pcapng")
        subprocess.run(["editcap", "-t", shift, cap, out], check=True, capture_output=True)
        yield out
    base = os.path.join(work, f"{name}.ns.pcap")
    if subprocess.run(["editcap", "-F", "nsecpcap", cap, base], capture_output=True).returncode != 0:
        return                          # several link types: no pcap can hold it
    header, records = read_pcap(base)
    os.remove(base)
    rng = random.Random(seed)
    shuffled = records[:]
    rng.shuffle(shuffled)
    jittered = [(max(0, s + rng.randint(-2, 2)), rng.randrange(1_000_000_000), r) for s, _, r in records]
    duplicated = [rec for rec in records for _ in (0, 1)]
    swapped = records[:]
    for i in range(0, len(swapped) - 1, 2):
        swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    extreme = [((0xFFFFFFFF if i % 3 else 0), (999_999_999 if i % 2 else 0), r) for i, (_, _, r) in enumerate(records)]
    for label, recs in (("shuffled", shuffled), ("jittered", jittered), ("duplicated", duplicated),
                        ("swapped", swapped), ("extreme", extreme)):
        out = os.path.join(work, f"{name}.{label}.s{seed}.pcap")
        write_pcap(out, header, recs)
        yield out


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
        if long or name in TIME_QUICK:
            for seed in seeds:
                yield from time_mutations(cap, name, work, seed)
    if shutil.which("randpkt"):
        for kind in RANDPKT_TYPES:
            for seed in (range(1, 6) if long else range(1, 2)):
                out = os.path.join(work, f"randpkt.{kind}.{seed}.pcap")
                subprocess.run(["randpkt", "-b", "400", "-c", "3000" if long else "800", "-t", kind, out],
                               check=True, capture_output=True)
                yield out


def main():
    p = plugin_arguments()
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
