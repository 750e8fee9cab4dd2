"""synsight-report over a directory of the bundled captures, with a damaged
file and a cut one: the right totals, the damaged file named, the same rows
as each capture's hand-checked attempts table, and the progress display."""
import csv
import io
import json
import os
import pty
import shutil
import subprocess
import sys
from collections import Counter

from check_table import MACHINE_COLUMNS, parse_table, text_row_as_machine
from harness import CAPTURES, EXPECTED



def expected_rows(name):
    with open(os.path.join(EXPECTED, f"{name}.attempts.txt")) as f:
        rows, _ = parse_table(f.read())
    return [text_row_as_machine(r) for r in rows]


def check_report(ts, *names):
    work = os.path.join(ts.dir, "report")
    caps = os.path.join(work, "ring")
    os.makedirs(caps)
    for name in names:
        ext = ".pcapng" if os.path.exists(os.path.join(CAPTURES, name + ".pcapng")) else ".pcap"
        shutil.copy(os.path.join(CAPTURES, name + ext), caps)
    # a damaged file (not a capture) and one cut in the middle of a packet
    with open(os.path.join(caps, "damaged.pcapng"), "wb") as f:
        f.write(b"\x0a\x0d\x0d\x0a" + b"this is not a capture file" * 10)
    with open(os.path.join(CAPTURES, "ftp-ipv6-dropped.pcapng"), "rb") as f:
        cut = f.read()[:3000]
    with open(os.path.join(caps, "zz-cut.pcapng"), "wb") as f:
        f.write(cut)
    for d, dirs, files in os.walk(work):
        os.chmod(d, 0o755)
        for x in files:
            os.chmod(os.path.join(d, x), 0o644)
    script = ts.script("synsight-report")
    tshark = ts.tshark_for_scripts()
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

    def report(*args, **kw):
        cmd = [a for a in ts.command([python, script, "--tshark", tshark, *args])
               if not a.startswith(("LD_PRELOAD=", "ASAN_OPTIONS="))]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kw)

    files = sorted(os.listdir(caps))
    want = {n: expected_rows(n) for n in names}
    total = sum(len(v) for v in want.values())

    # text: every file named, the damaged one skipped, the totals right
    p = report("-j", "2", caps)
    assert p.returncode == 0, (p.returncode, p.stderr)
    text = p.stdout
    assert f"over {len(files)} files" in text, text[:300]
    assert "damaged.pcapng: not read, skipped: " in text and "damaged.pcapng: not read, skipped" in p.stderr, \
        (text[-2000:], p.stderr)
    assert "zz-cut.pcapng: 2 attempts; cut short" in text, text[-2000:]
    for name in names:
        ext = ".pcapng" if os.path.exists(os.path.join(CAPTURES, name + ".pcapng")) else ".pcap"
        n = len(want[name])
        assert f"\n{name}{ext}: {n} attempt{'' if n == 1 else 's'}" in text, (name, n, text[-3000:])
    if "filtered-icmp-refusal" in names:
        assert 'filtered-icmp-refusal.pcapng: 1 attempt; capture filter "tcp port 80" (hides ICMP refusals' in text
    if "one-direction-client" in names:
        line = next(line for line in text.splitlines() if line.startswith("one-direction-client.pcapng:"))
        assert 'capture filter "src host 10.0.0.1"' in line and "hides" not in line, line
    assert f"Attempts: {total + 2}\n" in text, text[:300]

    # CSV: each file's rows are its expected table's rows, in order
    p = report("-j", "1", "--format", "csv", caps)
    assert p.returncode == 0, p.stderr
    table = list(csv.reader(io.StringIO(p.stdout, newline="")))
    assert table[0] == ["file"] + MACHINE_COLUMNS, table[0]
    by_file = {}
    for line in table[1:]:
        r = dict(zip(table[0], line))
        if r["gives_up_s"]:     # whole seconds in the text table
            r["gives_up_s"] = "%.0f" % float(r["gives_up_s"])
        by_file.setdefault(r.pop("file"), []).append(r)
    for name in names:
        got = next((v for k, v in by_file.items() if k.rsplit(".", 1)[0] == name), [])
        assert got == want[name], (name, got, want[name])
    assert "damaged.pcapng" not in by_file and len(by_file["zz-cut.pcapng"]) == 2, sorted(by_file)
    # failures first across files
    order = [r[1] for r in table[1:]]
    ranks = ["failed", "given up", "late", "ok", "pending"]
    assert [ranks.index(v) for v in order] == sorted(ranks.index(v) for v in order), order

    # JSON lines: the same rows, numbers as numbers; -j does not change them
    p = report("-j", "2", "--format", "json", caps)
    assert p.returncode == 0, p.stderr
    objs = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(objs) == total + 2, (len(objs), total)
    assert all(type(o["first_syn_frame"]) is int and type(o["syns"]) is int for o in objs)
    csv_json = [[o["file"]] + ["" if o[k] is None else (f"{o[k]:.6f}" if isinstance(o[k], float) else str(o[k]))
                               for k in MACHINE_COLUMNS] for o in objs]
    assert csv_json == table[1:], "JSON and CSV rows differ"

    # the destination summary adds up every file's rows
    p = report("--format", "json", "--destinations", caps)
    dests = {d["destination"]: d for d in map(json.loads, p.stdout.splitlines())}
    counted, failed = Counter(), Counter()
    for r in [r for v in want.values() for r in v] + by_file["zz-cut.pcapng"]:
        addr = r["server_addr"]
        key = f"[{addr}]:{r['server_port']}" if ":" in addr else f"{addr}:{r['server_port']}"
        counted[key] += 1
        failed[key] += r["outcome"] in ("unanswered", "refused-rst", "refused-icmp")
    assert {d: v["attempts"] for d, v in dests.items()} == dict(counted), (dests, counted)
    assert {d: v["refused"] + v["unanswered"] for d, v in dests.items()} == {d: failed[d] for d in counted}
    listener_up = Counter()
    for r in [r for v in want.values() for r in v] + by_file["zz-cut.pcapng"]:
        addr = r["server_addr"]
        key = f"[{addr}]:{r['server_port']}" if ":" in addr else f"{addr}:{r['server_port']}"
        listener_up[key] += r["port_answered"] != "" and r["verdict"] in ("failed", "late")
    assert {d: v["listener_up"] for d, v in dests.items()} == {d: listener_up[d] for d in counted}, dests

    # only the damaged file: nothing could be read, status 1
    lone = os.path.join(work, "lone")
    os.makedirs(lone)
    shutil.copy(os.path.join(caps, "damaged.pcapng"), lone)
    os.chmod(lone, 0o755)
    p = report(lone)
    assert p.returncode == 1 and "no file could be read" in p.stderr, (p.returncode, p.stderr)

    # the progress display, on a terminal only
    master, slave = pty.openpty()
    cmd = [a for a in ts.command([python, script, "--tshark", tshark, "-j", "2", caps])
           if not a.startswith(("LD_PRELOAD=", "ASAN_OPTIONS="))]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=900)
    os.close(master)
    progress = seen.decode(errors="replace")
    assert f"{len(files)}/{len(files)} files, {total + 2} attempts" in progress and "left" in progress, progress[-500:]
    print(f"synsight-report: {len(files)} files ({total + 2} attempts), the damaged one named and skipped, "
          "the cut one counted; CSV and JSON rows as each capture's table; progress on a terminal")
