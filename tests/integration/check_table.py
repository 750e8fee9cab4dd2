"""The connection-attempts table (-z synsight,attempts) and its GUI forms."""
import csv
import difflib
import io
import json
import re
import subprocess
import sys
from collections import defaultdict

from check_oracle import announcements, syn_acked, syn_trains, tcp_segments
from outputs import same_as_expected, synsight_output

VERDICT_ORDER = ["failed", "given up", "late", "ok", "pending"]


def attempts_table(ts, name, mode, extra=""):
    args = ["-r", ts.capture(name), "-q", "-z", "synsight,attempts" + extra]
    if mode == "final":
        args.insert(0, "-2")
    return ts.run(*args)


def parse_table(text):
    """(attempt rows, destination rows), each a list of dicts keyed by header."""
    sections, current = [], None
    for line in text.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if cells[0] in ("Verdict", "Destination"):
            current = {"header": cells, "rows": []}
            sections.append(current)
        elif current is not None and line.strip() and not line.startswith("=") and line != "By destination":
            current["rows"].append(dict(zip(current["header"], cells)))
            assert len(cells) == len(current["header"]), ("ragged row", line)
        elif not line.strip():
            current = None
    assert len(sections) == 2, ("expected an attempts table and a destination summary", text)
    return sections[0]["rows"], sections[1]["rows"]


def endpoint(addr_port):
    addr, port = addr_port
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def check_table(ts, name):
    single = attempts_table(ts, name, "single")
    final = attempts_table(ts, name, "final")
    if single != final:
        sys.stdout.writelines(difflib.unified_diff(final.splitlines(True), single.splitlines(True), "-2", "single"))
        raise SystemExit(f"{name}: the attempts table differs between one pass and two")
    same_as_expected(final, f"{name}.attempts.txt", f"{name}: the attempts table")

    rows, dests = parse_table(final)
    # Every SYN train in Wireshark's own dissection is one row, with its SYN
    # count and client/server; the tree's final fields give the outcome.
    got = synsight_output(ts, name, "final")
    segs = tcp_segments(ts, name)
    trains = syn_trains(segs)
    by_first = {int(r["First SYN frame"]): r for r in rows}
    assert len(by_first) == len(rows) == len(trains), (name, len(rows), len(trains))
    for (client, server, isn), syns in trains.items():
        r = by_first[syns[0]["frame"]]
        assert (r["Client"], r["Server"], int(r["SYNs"])) == (endpoint(client), endpoint(server), len(syns)), (name, r)
        fields = dict(got.get(syns[0]["frame"], []))
        if "synsight.outcome" in fields:
            assert r["Outcome"] == fields["synsight.outcome"], (name, r, fields)
            end = fields.get("synsight.superseded_by" if r["Outcome"] == "superseded" else "synsight.outcome_in", "-")
            assert r["Outcome frame"] == end, (name, r, fields)
            # an answer inferred from a later segment says so in the tree and in the table
            inferred = r["Answer"] in ("client-ack", "client-rst", "server-ack")
            assert inferred == ("synsight.answer_not_captured" in fields), (name, r, fields)
            # why: the first SYN's fields, column by column
            assert r["Stack"] == fields.get("synsight.syn.stack", "-"), (name, r, fields)
            gives_up = fields.get("synsight.syn.gives_up")
            assert r["Gives up (s)"] == ("-" if gives_up is None else "%.0f" % float(gives_up)), (name, r, fields)
            gave_up = "app" if "synsight.app_gave_up" in fields else \
                "kernel" if "synsight.kernel_gave_up" in fields else "-"
            assert r["Gave up"] == gave_up, (name, r, fields)
            assert r["Port answered"] == fields.get("synsight.port_answered", "-"), (name, r, fields)
        else:   # an ordinary handshake: answered at the first SYN by the next SYN/ACK
            assert (r["Stack"], r["Gives up (s)"], r["Gave up"], r["Port answered"]) == ("-", "-", "-", "-"), (name, r)
            answer = next(s for s in segs if s["frame"] > syns[0]["frame"] and s["syn"] and s["ackf"]
                          and s["src"] == server and syn_acked(syns, s["ack"]))
            assert (r["Verdict"], r["Outcome"], r["Answer"], r["Outcome frame"]) == \
                ("ok", "answered", "synack", str(answer["frame"])), (name, r)
    # every attempt, ordinary ones too, names the message that announced its
    # server endpoint; the per-service summary adds those rows up
    announced = announcements(ts, name)
    services = defaultdict(lambda: [0, 0])
    for (client, server, isn), syns in trains.items():
        r = by_first[syns[0]["frame"]]
        before = [a for a in announced if a[1] == server and a[0] < syns[0]["frame"]]
        expect = (str(before[-1][0]), before[-1][2]) if before else ("-", "-")
        assert (r["Announced in"], r["Announced by"]) == expect, (name, r, expect)
        if before:
            services[before[-1][0]][0] += 1
            services[before[-1][0]][1] += r["Verdict"] == "failed"
    lines = re.findall(r"^(?:FTP|DCE/RPC endpoint mapper) \S+: (\d+) [a-zA-Z ]+ announced, (\d+) blocked$", final, re.M)
    total = [sum(int(a) for a, _ in lines), sum(int(b) for _, b in lines)]
    assert total == [sum(v[0] for v in services.values()), sum(v[1] for v in services.values())], (name, lines)
    # failures first, then by first SYN
    keys = [(VERDICT_ORDER.index(r["Verdict"]), int(r["First SYN frame"])) for r in rows]
    assert keys == sorted(keys), (name, "rows out of order", keys)
    # the summary adds up the rows
    counted = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
    column = {"answered": 1, "refused-rst": 2, "refused-icmp": 2, "unanswered": 3, "superseded": 4, "pending": 5}
    for r in rows:
        counted[r["Server"]][0] += 1
        counted[r["Server"]][column[r["Outcome"]]] += 1
        counted[r["Server"]][6] += r["Port answered"] != "-" and r["Verdict"] in ("failed", "late")
    summary = {d["Destination"]: [int(d[k]) for k in ("Attempts", "Answered", "Refused", "Unanswered", "Superseded",
                                                        "Pending", "Listener up")]
               for d in dests}
    assert summary == dict(counted), (name, summary, dict(counted))
    failures = [v[2] + v[3] for v in (summary[d["Destination"]] for d in dests)]
    assert failures == sorted(failures, reverse=True), (name, "destinations with failures not first")
    check_machine_forms(ts, name, rows)
    print(f"{name}: {len(rows)} attempts and {len(dests)} destinations agree with Wireshark's TCP fields;"
          " the CSV and JSON forms hold the same rows")


MACHINE_COLUMNS = ["verdict", "client_addr", "client_port", "server_addr", "server_port", "syns", "first_syn_s",
                   "to_outcome_s", "schedule", "outcome", "answer", "outcome_frame", "first_syn_frame",
                   "announced_in", "announced_by", "stack", "gives_up_s", "gave_up", "port_answered"]
INTEGER_COLUMNS = {"client_port", "server_port", "syns", "outcome_frame", "first_syn_frame", "announced_in",
                   "port_answered"}
SECONDS_COLUMNS = {"first_syn_s", "to_outcome_s", "gives_up_s"}


def text_row_as_machine(r):
    """A text-table row in the machine forms' columns, as strings ("" for "-")."""
    def split(endpoint_text):
        addr, port = endpoint_text.rsplit(":", 1)
        return addr.strip("[]"), port
    client, server = split(r["Client"]), split(r["Server"])
    none = lambda v: "" if v == "-" else v
    return {"verdict": r["Verdict"], "client_addr": client[0], "client_port": client[1], "server_addr": server[0],
            "server_port": server[1], "syns": r["SYNs"], "first_syn_s": r["First SYN (s)"],
            "to_outcome_s": none(r["To outcome (s)"]), "schedule": none(r["Schedule"]), "outcome": r["Outcome"],
            "answer": none(r["Answer"]), "outcome_frame": none(r["Outcome frame"]),
            "first_syn_frame": r["First SYN frame"], "announced_in": none(r["Announced in"]),
            "announced_by": none(r["Announced by"]), "stack": none(r["Stack"]),
            "gives_up_s": none(r["Gives up (s)"]), "gave_up": none(r["Gave up"]),
            "port_answered": none(r["Port answered"])}


def check_machine_forms(ts, name, rows):
    """-z synsight,attempts,csv and ,json hold the text table's rows, in its
    order, with stable column names; JSON keeps numbers as numbers."""
    want = [text_row_as_machine(r) for r in rows]
    text = attempts_table(ts, name, "final", ",csv")
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert table[0] == MACHINE_COLUMNS, (name, table[0])
    got_rows = [dict(zip(table[0], line)) for line in table[1:]]
    for g in got_rows:      # whole seconds in the text table, six decimals here
        if g["gives_up_s"]:
            g["gives_up_s"] = "%.0f" % float(g["gives_up_s"])
    assert got_rows == want, (name, "CSV rows differ from the text table")
    lines = attempts_table(ts, name, "final", ",json").splitlines()
    objects = [json.loads(line) for line in lines]
    assert len(objects) == len(want), (name, len(objects), len(want))
    for obj, w in zip(objects, want):
        assert list(obj) == MACHINE_COLUMNS, (name, list(obj))
        for k, v in obj.items():
            if w[k] == "":
                assert v is None, (name, k, obj)
            elif k in INTEGER_COLUMNS:
                assert type(v) is int and v == int(w[k]), (name, k, obj)
            elif k in SECONDS_COLUMNS:
                assert type(v) is float and abs(v - float(w[k])) < 5e-7, (name, k, obj)
            else:
                assert v == w[k], (name, k, obj)
    # a filter after the form, as after the plain table
    filtered = attempts_table(ts, name, "final", ",json,tcp.flags.syn==1 && tcp.flags.ack==0")
    assert filtered.splitlines() == lines, (name, "the SYN filter keeps every attempt")
    return len(want)


def check_table_options(ts):
    name = "parallel-one-port-dropped"
    rows, _ = parse_table(attempts_table(ts, name, "single"))
    assert [r["Server"] for r in rows if r["Verdict"] == "failed"] == ["10.0.0.2:49667"], rows
    # the filter selects frames; an attempt is listed when any of its frames matches
    rows_f, dests_f = parse_table(attempts_table(ts, name, "single", ",tcp.dstport==49667 || tcp.srcport==445"))
    assert sorted(r["Server"] for r in rows_f) == ["10.0.0.2:445", "10.0.0.2:49667"], rows_f
    assert [d["Destination"] for d in dests_f] == ["10.0.0.2:49667", "10.0.0.2:445"], dests_f
    rows_n, _ = parse_table(attempts_table(ts, name, "single", ",udp"))
    assert rows_n == [], rows_n
    # a bad filter: a clear message and exit status 1, no table
    # (a plugin can make tshark fail only from 4.6 on, where a -z handler
    # returns whether it took its argument; before, it says so and prints no table)
    refused_status = (lambda rc: rc != 0) if ts.ws_version >= (4, 6) else (lambda rc: rc == 0)
    cmd = ts.command(["tshark", "-r", ts.capture(name), "-q", "-z", "synsight,attempts,tcp.port=="])
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert refused_status(p.returncode) and "synsight,attempts" in p.stderr and "invalid" in p.stderr, \
        (p.returncode, p.stderr)
    assert "Verdict" not in p.stdout, p.stdout
    cmd[-1] = "synsight,attemptsx"        # tshark matches -z by prefix: refused, not read as "attempts"
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert refused_status(p.returncode) and "invalid -z argument" in p.stderr, (p.returncode, p.stderr)
    assert "Verdict" not in p.stdout, p.stdout
    # The Statistics-menu tables (Wireshark's generic table format in tshark)
    # hold the same rows and counts as the text table.
    out = ts.run("-2", "-r", ts.capture(name), "-q", "-z", "synsight,attempt_table", "-z", "synsight,destination_table")
    gui_rows = sorted(tuple(c.strip() for c in line.split("|")[:4]) for line in out.splitlines()
                      if line.split(" |")[0] in VERDICT_ORDER)
    assert gui_rows == sorted((r["Verdict"], r["Client"], r["Server"], r["SYNs"]) for r in rows), gui_rows
    gui_dests = sorted(line.replace(" ", "") for line in out.splitlines() if line.count("|") == 8
                       and not line.startswith("Destination"))
    assert gui_dests == ["10.0.0.2:135|1|1|0|0|0|0|0|", "10.0.0.2:445|1|1|0|0|0|0|0|",
                         "10.0.0.2:49666|1|1|0|0|0|0|0|", "10.0.0.2:49667|1|0|0|1|0|0|0|",
                         "10.0.0.2:8080|1|1|0|0|0|0|0|"], gui_dests
    print("filter argument, bad filter and the GUI tables: as expected")
