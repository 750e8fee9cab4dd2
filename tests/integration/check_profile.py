"""The synsight configuration profile (profiles/synsight, installed by
cmake/install_profile.cmake): every filter in it compiles, every column
field exists, the buttons are README's day-one filters, and tshark -C
synsight prints the profile's columns."""
import csv
import io
import os
import re
import shutil
import subprocess

from check_coloring import parse_colorfilters
from harness import NOBODY, ROOT

PROFILE_SRC = os.path.join(ROOT, "profiles", "synsight")
# where a package installs it: Wireshark's global profiles (its data folder)
GLOBAL_PROFILE = "/usr/share/wireshark/profiles/synsight"


def install_profile(home):
    """Installs the profile under home's Wireshark folder the way `cmake
    --install` does; returns its folder."""
    dest = os.path.join(home, ".config", "wireshark", "profiles", "synsight")
    subprocess.run(["cmake", f"-DSRC={PROFILE_SRC}", f"-DCOLORFILTERS={os.path.join(ROOT, 'docs', 'synsight.colorfilters')}",
                    "-DWS_DATA=/usr/share/wireshark", f"-DDEST={dest}", "-P",
                    os.path.join(ROOT, "cmake", "install_profile.cmake")], check=True, capture_output=True)
    for d, _, files in os.walk(os.path.join(home, ".config")):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    return dest


def uat_records(path):
    """The records of a Wireshark UAT file: CSV of quoted strings, \\x22 for a quote."""
    records = []
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            fields = next(csv.reader(io.StringIO(line.strip())))
            records.append([re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), v) for v in fields])
    return records


def readme_filters():
    """The display filters of README's day-one table."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    table = text.split("| you want | display filter |", 1)[1].split("\n\n", 1)[0]
    filters = []
    for row in table.splitlines()[2:]:      # after the header and its rule
        last = row.replace("\\|", "\x00").rstrip().rstrip("|").rsplit("|", 1)[-1]
        m = re.search(r"`([^`]+)`", last)
        assert m, ("a day-one filter row without a filter", row)
        filters.append(m.group(1).replace("\x00", "|"))
    return filters


def user_home_for_global_profile(ts):
    """A home the test user owns, for the package's global profile: from 4.0
    on tshark -C copies a global profile into the user's folder itself; 3.4's
    reads personal profiles only, so there the user copies it first, as
    README says (cp -r /usr/share/wireshark/profiles/synsight
    ~/.config/wireshark/profiles/)."""
    home = os.path.join(ts.dir, "home")
    if ts.ws_version < (4, 0):
        shutil.copytree(GLOBAL_PROFILE, os.path.join(home, ".config", "wireshark", "profiles", "synsight"))
    os.makedirs(home, exist_ok=True)
    for d, _, files in os.walk(home):
        for name in [d] + [os.path.join(d, f) for f in files]:
            if os.geteuid() == 0:
                os.chown(name, NOBODY, NOBODY)
    return home


def check_profile(ts):
    # the package's global profile, or the checkout's installed for the test user
    dest = GLOBAL_PROFILE if ts.installed else install_profile(ts.dir)
    assert sorted(os.listdir(dest)) == ["colorfilters", "dfilter_buttons", "io_graphs", "preferences", "recent"], \
        os.listdir(dest)
    cap = ts.capture("parallel-one-port-dropped")

    def compiles(expr, what):
        p = subprocess.run(ts.command(["tshark", "-r", cap, "-Y", expr]), capture_output=True, text=True)
        assert p.returncode == 0, (what, expr, p.stderr)

    buttons = uat_records(os.path.join(dest, "dfilter_buttons"))
    assert all(len(b) == 4 and b[0] == "TRUE" and b[1] and b[3] for b in buttons), buttons
    for _, label, expr, _ in buttons:
        compiles(expr, f"filter button {label}")
    # the buttons are README's day-one filters
    assert sorted(b[2] for b in buttons) == sorted(readme_filters()), ([b[2] for b in buttons], readme_filters())

    graphs = uat_records(os.path.join(dest, "io_graphs"))
    assert all(len(g) == 9 and g[4] in ("Line", "Bar") and g[5] == "Packets" for g in graphs), graphs
    for g in graphs:
        if g[2]:
            compiles(g[2], f"I/O graph {g[1]}")
    names = [g[1] for g in graphs]
    assert "Unanswered attempts" in names and "Refusals" in names, names

    rules = parse_colorfilters(os.path.join(dest, "colorfilters"))
    assert rules[0][0].startswith("synsight: ") and len(rules) > 5, rules
    for name, expr in rules:
        compiles(expr, f"coloring rule {name}")

    fields = {line.split("\t")[2] for line in ts.run("-G", "fields").splitlines()
              if line.startswith(("F\t", "P\t")) and line.count("\t") >= 2}
    with open(os.path.join(dest, "preferences")) as f:
        prefs = f.read()
    columns = re.findall(r"%Cus:([^:\"]+):", prefs)
    assert columns == ["synsight.attempt", "synsight.syn.retry", "synsight.syn.gap", "synsight.outcome",
                       "synsight.summary"], columns
    assert set(columns) <= fields, set(columns) - fields
    # the column widths (recent) name exactly the profile's columns
    with open(os.path.join(dest, "recent")) as f:
        widths = re.findall(r'"(%[^"]+)", \d+', f.read())
    formats = re.findall(r'"(%[^"]+)"', prefs.split("gui.column.format:", 1)[1].splitlines()[0])
    assert widths == formats, (widths, formats)

    # tshark reads the profile: its one-line output has the profile's columns
    env = {}
    if ts.installed:
        env["HOME"] = user_home_for_global_profile(ts)
    p = subprocess.run(ts.command(["tshark", "-C", "synsight", "-2", "-r", cap, "-Y", "frame.number == 37 || "
                                   "frame.number == 50"], **env), capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 2, lines
    assert "unanswered" in lines[0] and " 37 " in f" {lines[0]} " and "unanswered: 8 SYNs, 11 s" in lines[0], lines[0]
    assert "SYN retry 1 of #37" in lines[1] and "1.0" in lines[1], lines[1]
    print(f"profile: {len(buttons)} filter buttons (README's day-one filters), {len(graphs)} I/O graphs and "
          f"{len(rules)} coloring rules compile; its {len(columns)} columns exist and tshark -C synsight shows them")
