#!/usr/bin/env python3
"""The plugin inside the real Wireshark GUI, under Xvfb.

    gui_check.py --plugin synsight.so --ws-version 4.0 [--preload ...] [--screenshots DIR]

Starts Debian's Wireshark (Qt) as an unprivileged user with the plugin under
test, and checks that:
  - Wireshark registers synsight's statistics (its -z list names them);
  - a capture opens, the display filter "synsight" is accepted (the filter
    bar turns the "valid" colour), docs/synsight.colorfilters colors the
    unanswered SYNs, and Wireshark is still running;
  - the Statistics menu lists its two tables (two items more than without
    the plugin);
  - the details pane of a SYN retry, Expert Information and the
    connection-attempts table open;
  - Wireshark then quits normally.
It saves a screenshot of each view (into DIR, default the working directory;
docs/images holds the committed ones: `cmake --build build --target
update-screenshots`). Exits 77 (skipped) when wireshark, Xvfb, xdotool or
ImageMagick is not installed.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from harness import CAPTURES, NOBODY, ROOT, as_test_user, plugin_arguments  # noqa: E402
from check_profile import install_profile  # noqa: E402
# Wireshark's default colours for a valid display filter, set explicitly.
VALID_RGB, INVALID_RGB = "afffaf", "ffafaf"
# docs/synsight.colorfilters: "SYN never answered" (45232,0,0 in 16 bits)
UNANSWERED_RGB = "b00000"
SIZE = (1280, 800)


class Gui:
    def __init__(self, plugin, ws_version, preload):
        self.dir = tempfile.mkdtemp(prefix="synsight-gui-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        epan = os.path.join(self.dir, "plugins", ws_version, "epan")
        os.makedirs(epan)
        shutil.copy(plugin, os.path.join(epan, "synsight.so"))
        self.home = os.path.join(self.dir, "home")
        self.runtime = os.path.join(self.dir, "runtime")
        for d in (self.home, self.runtime):
            os.makedirs(d, mode=0o700)
        # docs/synsight.colorfilters as the user's coloring rules
        profile = os.path.join(self.home, ".config", "wireshark")
        os.makedirs(profile)
        shutil.copy(os.path.join(ROOT, "docs", "synsight.colorfilters"), os.path.join(profile, "colorfilters"))
        # column widths for FINDING_COLUMNS (the finding's own is widened by
        # hand: widen_finding_column)
        with open(os.path.join(profile, "recent"), "w") as f:
            f.write('column.width: "%m", 45, "%t", 95, "%s", 80, "%d", 80, "%Cus:synsight.summary:0:U", 80, '
                    '"%i", 700\n')
        for d, _, files in os.walk(self.dir):
            os.chmod(d, 0o755 if not d.startswith((self.home, self.runtime)) else 0o700)
            for f in files:
                os.chmod(os.path.join(d, f), 0o644)
        if os.geteuid() == 0:
            for top in (self.home, self.runtime):
                for d, _, files in os.walk(top):
                    for path in [d] + [os.path.join(d, f) for f in files]:
                        os.chown(path, NOBODY, NOBODY)
        # No extcap helpers: reading files needs none, and the sanitizer
        # preload would be inherited by (and hang) each one Wireshark spawns.
        extcap = os.path.join(self.dir, "extcap")
        os.makedirs(extcap)
        os.chmod(extcap, 0o755)
        self.xvfb = None
        self.display = None
        self.env = {"HOME": self.home, "XDG_RUNTIME_DIR": self.runtime, "WIRESHARK_PLUGIN_DIR": os.path.join(self.dir, "plugins"),
                    "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "QT_QPA_PLATFORM": "xcb",
                    "WIRESHARK_EXTCAP_DIR": extcap}
        if preload:
            self.env["LD_PRELOAD"] = preload
            # Qt's own allocations are not ours to judge: memory errors only.
            self.env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
            self.env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"

    def start_x(self):
        r, w = os.pipe()
        self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24",
                                      "-nolisten", "tcp", "-ac"], pass_fds=(w,), stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            self.display = ":" + f.readline().strip()
        self.env["DISPLAY"] = self.display

    def command(self, argv):
        return as_test_user(self.env, argv)

    def capture(self, name):
        dst = os.path.join(self.dir, name + ".pcapng")
        shutil.copy(os.path.join(CAPTURES, name + ".pcapng"), dst)
        os.chmod(dst, 0o644)
        return dst

    def x(self, *argv, check=True):
        p = subprocess.run(list(argv), capture_output=True, text=True, env={"DISPLAY": self.display, "PATH": "/usr/bin:/bin"})
        if check and p.returncode != 0:
            raise SystemExit(f"{argv[0]} failed: {p.stderr}")
        return p.stdout

    def window(self, name, timeout=60):
        """The id of the first visible window whose name matches name."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            out = self.x("xdotool", "search", "--onlyvisible", "--name", name, check=False).split()
            if out:
                return out[0]
            time.sleep(0.5)
        raise SystemExit(f"no window named {name!r} appeared within {timeout} s")

    def keys(self, *keys):
        """Key presses to the focused window (XTEST, as a keyboard would)."""
        for k in keys:
            self.x("xdotool", "key", "--clearmodifiers", k)
            time.sleep(0.4)

    def type(self, text):
        self.x("xdotool", "type", "--delay", "40", text)

    def click(self, x, y):
        self.x("xdotool", "mousemove", "--sync", str(x), str(y), "click", "1")
        time.sleep(0.5)

    def yellow_rows(self, path, box):
        """Screen y of the rows in box (x, y, w, h) drawn in the expert
        "warning" yellow, top to bottom: where synsight's items are."""
        x0, y0, w, h = box
        txt = self.x("convert", path, "-crop", f"{w}x{h}+{x0}+{y0}", "+repage", "txt:-")
        per_y = {}
        for line in txt.splitlines()[1:]:
            pos, _, rest = line.partition(":")
            rgb = rest.split("(", 1)[1].split(")", 1)[0].split(",")[:3]
            r, g, b = (int(float(c)) for c in rgb)
            if r > 230 and g > 230 and b < 120:
                y = int(pos.split(",")[1])
                per_y[y] = per_y.get(y, 0) + 1
        ys = sorted(y for y, n in per_y.items() if n > w // 3)
        rows, start = [], None
        for i, y in enumerate(ys):
            if start is None:
                start = y
            if i + 1 == len(ys) or ys[i + 1] != y + 1:
                rows.append(y0 + (start + y) // 2)
                start = None
        return rows

    def focus(self, wid, resize=True):
        if resize:
            self.x("xdotool", "windowsize", wid, str(SIZE[0]), str(SIZE[1]), "windowmove", wid, "0", "0")
        self.x("xdotool", "windowfocus", "--sync", wid, check=False)
        time.sleep(1.5)

    def shot(self, wid, path):
        self.x("import", "-window", wid, path)
        size = os.path.getsize(path)
        colours = int(self.x("identify", "-format", "%k", path))
        if size < 10_000 or colours < 16:
            raise SystemExit(f"{path}: {size} bytes, {colours} colours: not a picture of a window")
        return path

    def pixels_changed(self, a, b):
        p = subprocess.run(["compare", "-metric", "AE", a, b, "null:"], capture_output=True, text=True,
                           env={"PATH": "/usr/bin:/bin"})
        return float(p.stderr.split()[0])

    def count_colour(self, path, rgb):
        hist = self.x("convert", path, "-format", "%c", "histogram:info:-")
        return sum(int(line.split(":")[0]) for line in hist.splitlines() if f"#{rgb.upper()}" in line.upper())

    def close(self):
        if self.xvfb:
            self.xvfb.terminate()
            self.xvfb.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# The packet list as README shows it: synsight's finding as a column of its
# own (the custom column synsight.summary), before the long Info column.
FINDING_COLUMNS = ["-o", 'gui.column.format:"No.","%m","Time","%t","Source","%s","Destination","%d",'
                   '"SYN Sight","%Cus:synsight.summary:0:R","Info","%i"']


def widen_finding_column(gui):
    """Drags the right edge of the "SYN Sight" column header (at x 377 with
    the widths in the recent file) so that the finding shows whole."""
    gui.x("xdotool", "mousemove", "--sync", "377", "101", "mousedown", "1", "mousemove", "--sync", "660", "101",
          "mouseup", "1")
    time.sleep(1)


def filtered_packet_list(gui, cap, png):
    """Opens cap with synsight's finding as a column, types the filter
    synsight once the file is read (so every frame is filtered on its final
    state) and takes the picture: (process, window, picture)."""
    proc = wireshark(gui, *FINDING_COLUMNS, "-r", cap)
    wid = gui.window(os.path.basename(cap).rsplit(".", 1)[0])
    gui.focus(wid)
    gui.keys("ctrl+slash")
    gui.type("synsight")
    gui.keys("Return")
    time.sleep(2)
    widen_finding_column(gui)
    return proc, wid, gui.shot(wid, png)


def open_filtered(gui, name, display_filter, *args):
    """Opens the bundled capture name (with Wireshark's args) and applies
    display_filter once the file is read: (process, window)."""
    proc = wireshark(gui, *args, "-r", gui.capture(name))
    wid = gui.window(name)
    gui.focus(wid)
    gui.keys("ctrl+slash")
    gui.type(display_filter)
    gui.keys("Return")
    time.sleep(2)
    return proc, wid


def wireshark(gui, *args):
    prefs = ["-o", f"gui.color_filter_bg.valid:{VALID_RGB}", "-o", f"gui.color_filter_bg.invalid:{INVALID_RGB}",
             "-o", "gui.update.enabled:FALSE"]
    return subprocess.Popen(gui.command(["wireshark", *prefs, *args]), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def statistics_menu_height(gui, path):
    """Opens the Statistics menu (its title sits at x 325 in the menu bar at
    this size), takes a picture of the screen and returns the menu's height."""
    before = set(gui.x("xdotool", "search", "--onlyvisible", "--class", "wireshark", check=False).split())
    gui.click(325, 10)
    time.sleep(1.5)
    after = set(gui.x("xdotool", "search", "--onlyvisible", "--class", "wireshark", check=False).split())
    gui.x("import", "-window", "root", path)
    popups = after - before
    gui.keys("Escape")
    assert len(popups) == 1, ("the Statistics menu did not open", before, after)
    geometry = gui.x("xdotool", "getwindowgeometry", popups.pop())
    return int(geometry.split("Geometry:")[1].split("x")[1])


def details_shot(gui, wid, frame, path):
    """Goes to frame, opens synsight's subtree in the details pane (found by
    its expert-warning yellow) and takes the picture."""
    gui.keys("ctrl+g")
    gui.type(frame)
    gui.keys("Return")
    time.sleep(1)
    probe = gui.shot(wid, os.path.join(gui.dir, "probe.png"))
    rows = gui.yellow_rows(probe, (5, SIZE[1] // 2, 600, SIZE[1] // 2 - 40))
    assert rows, f"no synsight row in the details pane of frame {frame}"
    gui.click(200, rows[0])
    gui.keys("shift+Right")
    time.sleep(1)
    gui.shot(wid, path)


def quit_cleanly(gui, proc, wid, what):
    if proc.poll() is not None:
        raise SystemExit(f"{what}: Wireshark died ({proc.returncode}):\n{proc.stderr.read()[-3000:]}")
    gui.focus(wid, resize=False)
    gui.keys("ctrl+q")
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit(f"{what}: Wireshark did not quit")
    err = proc.stderr.read()
    if proc.returncode != 0 or "runtime error" in err or "Sanitizer" in err:
        raise SystemExit(f"{what}: Wireshark exited with {proc.returncode}:\n{err[-3000:]}")


def main():
    p = plugin_arguments()
    p.add_argument("--screenshots", default=".")
    a = p.parse_args()
    missing = [t for t in ("wireshark", "Xvfb", "xdotool", "import", "convert", "identify") if not shutil.which(t)]
    if missing:
        print("skipped: not installed: " + " ".join(missing))
        sys.exit(77)
    os.makedirs(a.screenshots, exist_ok=True)
    out = os.path.abspath(a.screenshots)
    gui = Gui(a.plugin, a.ws_version, a.preload or None)
    try:
        gui.start_x()
        # 1. Wireshark itself registered synsight's statistics.
        z = subprocess.run(gui.command(["wireshark", "-z", "help"]), capture_output=True, text=True, timeout=300)
        listed = [line.strip() for line in (z.stdout + z.stderr).splitlines() if "synsight" in line]
        assert listed == ["synsight,attempt_table", "synsight,attempts", "synsight,destination_table"], \
            ("Wireshark does not list synsight's statistics", z.stdout[-2000:], z.stderr[-2000:])

        # 2. The packet list with the filter typed into the filter bar (after
        # the file is read, so every frame is filtered on its final state).
        cap = gui.capture("parallel-one-port-dropped")
        proc, wid, shot = filtered_packet_list(gui, cap, os.path.join(out, "packet-list.png"))
        valid, invalid = gui.count_colour(shot, VALID_RGB), gui.count_colour(shot, INVALID_RGB)
        assert valid > 2000 and invalid == 0, ("the filter bar does not show 'synsight' as valid", valid, invalid)
        colored = gui.count_colour(shot, UNANSWERED_RGB)
        assert colored > 5000, ("the coloring rules did not color the unanswered SYNs", colored)
        # The Statistics menu lists the two synsight tables: it is two items
        # taller than the same menu without the plugin.
        height = statistics_menu_height(gui, os.path.join(out, "statistics-menu.png"))
        # 3. The details pane of a SYN retry (the second retransmission of
        # the blocked port's train), synsight's subtree opened.
        details_shot(gui, wid, "52", os.path.join(out, "syn-retry-details.png"))
        quit_cleanly(gui, proc, wid, "packet list")
        gui.env["WIRESHARK_PLUGIN_DIR"] = os.path.join(gui.dir, "no-plugins")
        os.makedirs(gui.env["WIRESHARK_PLUGIN_DIR"])
        os.chmod(gui.env["WIRESHARK_PLUGIN_DIR"], 0o755)
        proc = wireshark(gui, "-r", cap)
        wid = gui.window("parallel-one-port-dropped")
        gui.focus(wid)
        without = statistics_menu_height(gui, os.path.join(gui.dir, "menu-without.png"))
        quit_cleanly(gui, proc, wid, "without the plugin")
        gui.env["WIRESHARK_PLUGIN_DIR"] = os.path.join(gui.dir, "plugins")
        item = 25       # a menu item's height at this font (see statistics-menu.png)
        assert abs((height - without) - 2 * item) <= 6, ("Statistics menu: synsight's tables missing", height, without)

        # 3b. A window misread in a capture that missed the handshake.
        proc, wid = open_filtered(gui, "window-upload-large-shift", "synsight.window.overrun")
        details_shot(gui, wid, "8", os.path.join(out, "window-misread.png"))
        quit_cleanly(gui, proc, wid, "window misread")

        # 3c. A capture that holds one direction: the packet list's Info
        # column says which answers were inferred.
        proc, wid, shot = filtered_packet_list(gui, gui.capture("one-direction-client"),
                                               os.path.join(out, "missing-packets.png"))
        assert gui.count_colour(shot, VALID_RGB) > 2000, "the filter bar does not show 'synsight' as valid"
        quit_cleanly(gui, proc, wid, "one direction")

        # 3d. Announced ports: the dynamic RPC port's unanswered attempt names
        # the endpoint mapper's response, and the FTP data connections are
        # listed with their finding.
        proc, wid = open_filtered(gui, "rpc-dynamic-port-dropped", "synsight.announced_by == \"dcerpc-epm\"")
        details_shot(gui, wid, "15", os.path.join(out, "announced-port.png"))
        quit_cleanly(gui, proc, wid, "announced port")
        proc, wid, shot = filtered_packet_list(gui, gui.capture("ftp-passive-dropped"),
                                               os.path.join(out, "ftp-data-blocked.png"))
        assert gui.count_colour(shot, VALID_RGB) > 2000, "the filter bar does not show 'synsight' as valid"
        quit_cleanly(gui, proc, wid, "ftp data connection")

        # 3f. A bridged host captured with -i any: each copy tagged with the
        # frame it copies, the attempts counted once.
        proc, wid, shot = filtered_packet_list(gui, gui.capture("bridge-any"), os.path.join(out, "copies.png"))
        assert gui.count_colour(shot, VALID_RGB) > 2000, "the filter bar does not show 'synsight' as valid"
        quit_cleanly(gui, proc, wid, "copies")

        # 3g. Causes: a listener with a full accept queue that answered
        # others while this attempt went unanswered (the first SYN's
        # details), and a challenge ACK in the packet list.
        proc, wid = open_filtered(gui, "listen-queue-full", "synsight.port_answered")
        details_shot(gui, wid, "26", os.path.join(out, "listener-up.png"))
        quit_cleanly(gui, proc, wid, "listener up")
        proc, wid, shot = filtered_packet_list(gui, gui.capture("challenge-ack-established"),
                                               os.path.join(out, "challenge-ack.png"))
        assert gui.count_colour(shot, VALID_RGB) > 2000, "the filter bar does not show 'synsight' as valid"
        quit_cleanly(gui, proc, wid, "challenge ACK")

        # 3e. The synsight configuration profile, installed as cmake --install
        # does: its columns, its filter buttons, its coloring rules (synsight's
        # on top of Wireshark's own: SYN/ACKs get Wireshark's grey).
        install_profile(gui.home)
        if os.geteuid() == 0:
            for d, _, files in os.walk(os.path.join(gui.home, ".config")):
                for path in [d] + [os.path.join(d, f) for f in files]:
                    os.chown(path, NOBODY, NOBODY)
        proc, wid = open_filtered(gui, "parallel-one-port-dropped", "tcp.flags.syn == 1", "-C", "synsight")
        shot = gui.shot(wid, os.path.join(out, "profile.png"))
        assert gui.count_colour(shot, "B00000") > 2000, "the profile's 'SYN never answered' rule colors nothing"
        assert gui.count_colour(shot, "A0A0A0") > 2000, "Wireshark's own rules are not in the profile's coloring rules"
        quit_cleanly(gui, proc, wid, "profile")

        # 4. Expert Information, and 5. the connection-attempts table.
        for name, zarg, title, png in (
                ("syn-refused-icmp-midway", "expert", "Expert Information", "expert-info.png"),
                ("parallel-one-port-dropped", "synsight,attempt_table", "SYN Sight Connection Attempts",
                 "attempts-table.png")):
            proc = wireshark(gui, "-r", gui.capture(name), "-z", zarg)
            main_wid = gui.window(name)
            dialog = gui.window(title)
            gui.focus(dialog)
            if zarg == "expert":
                # one row per expert item ("Group by summary" off: its box sits
                # bottom left at this window size), synsight's groups opened,
                # the lowest first so the others stay put
                gui.click(208, SIZE[1] - 55)
                time.sleep(1)
                probe = gui.shot(dialog, os.path.join(gui.dir, "probe.png"))
                rows = gui.yellow_rows(probe, (40, 30, 400, SIZE[1] // 2))
                assert rows, "Expert Information shows no synsight group"
                gui.click(600, SIZE[1] // 2)      # focus the list
                for y in reversed(rows):
                    gui.click(200, y)
                    gui.keys("Right")
                # widen the Summary column so the sentences show whole
                gui.x("xdotool", "mousemove", "--sync", "541", "22", "mousedown", "1", "mousemove", "--sync",
                      "1000", "22", "mouseup", "1")
            time.sleep(1)
            gui.shot(dialog, os.path.join(out, png))
            gui.keys("Escape")
            time.sleep(1)
            quit_cleanly(gui, proc, main_wid, title)
        print("Wireshark loads synsight, accepts its filter, opens its views and quits cleanly; screenshots in", out)
    finally:
        gui.close()


if __name__ == "__main__":
    main()
