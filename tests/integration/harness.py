"""Running the plugin under test inside a real tshark.

Wireshark ignores personal plugins when run as root, so when this runs as root
tshark runs as nobody (65534) with a private plugin folder readable by it, and
everything it reads is copied there first: the checkout itself may be one that
nobody cannot read (a clone under /root). Every check first proves the plugin
is loaded (prove_loaded): none can pass without it.
"""
import argparse
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CAPTURES = os.path.join(ROOT, "captures")
EXPECTED = os.path.join(ROOT, "tests", "expected")

# Fields this build must register (the sections of fields.md implemented so far).
REQUIRED_FIELDS = """
synsight.attempt synsight.syn.retry synsight.syn.gap synsight.syn.elapsed synsight.syn.backoff
synsight.syn.count synsight.syn.schedule synsight.syn.initial_rto synsight.outcome synsight.outcome_in
synsight.answers synsight.synack.retry synsight.synack.gap synsight.simultaneous_open
synsight.expert.syn_retry synsight.expert.unanswered synsight.expert.answered_late
synsight.expert.synack_retry synsight.expert.simultaneous_open
synsight.refusal synsight.refusal.errno synsight.refusal.refuses synsight.refusal.proto
synsight.expert.refused_rst synsight.expert.refused_icmp synsight.expert.udp_unreachable
synsight.window.scale_unknown synsight.window.raw synsight.window.min_shift synsight.window.min_size
synsight.window.overrun synsight.window.in_flight synsight.window.one_sided
synsight.expert.scale_unknown synsight.expert.window_misread
synsight.announced_in synsight.announced_by synsight.expert.syn_flood
""".split()

LSAN_EXIT = 23  # LeakSanitizer's exit status


def sanitizer_problem(stderr):
    """A sanitizer report that concerns synsight: any memory error or
    undefined behaviour, and leaks whose stacks pass through synsight."""
    for marker in ("ERROR: AddressSanitizer", "runtime error:"):
        if marker in stderr:
            return stderr[stderr.index(marker):][:3000]
    if "ERROR: LeakSanitizer" in stderr:
        report = stderr[stderr.index("ERROR: LeakSanitizer"):]
        if "synsight" in report:
            return report[:3000]
    return None


NOBODY = 65534


def as_test_user(env, argv):
    """argv with exactly env, as nobody when we are root (Wireshark reads no
    personal plugins as root): the one place that builds such a command."""
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if os.geteuid() == 0 else []
    return prefix + ["env", "-i"] + [f"{k}={v}" for k, v in env.items()] + list(argv)


def plugin_arguments(description=None):
    """The arguments every runner of the plugin under test takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--plugin", required=True, help="the synsight.so under test")
    p.add_argument("--ws-version", required=True, help="major.minor of the Wireshark built against")
    p.add_argument("--preload", default="", help="LD_PRELOAD for a sanitizer build")
    p.add_argument("--installed", action="store_true",
                   help="--plugin is the copy a package installed in Wireshark's system plugin folder: load it "
                        "from there, and run the scripts and the profile the package installed")
    return p


class Tshark:
    """A tshark that loads the plugin under test, run unprivileged if we are root."""

    def __init__(self, plugin, ws_version, preload=None, installed=False):
        self.ws_version = tuple(int(v) for v in ws_version.split("."))
        self.installed = installed
        self.outputs = {}
        self.dir = tempfile.mkdtemp(prefix="synsight-test-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        # where tshark must say it loaded synsight.so from
        self.plugin_dir = os.path.dirname(plugin) if installed else self.dir
        if not installed:
            epan = os.path.join(self.dir, ws_version, "epan")
            os.makedirs(epan)
            shutil.copy(plugin, os.path.join(epan, "synsight.so"))
        for d, _, files in os.walk(self.dir):
            os.chmod(d, 0o755)
            for f in files:
                os.chmod(os.path.join(d, f), 0o644)
        # No extcap helpers: reading files needs none, and a sanitizer
        # preload would be inherited by (and hang) each one tshark spawns.
        extcap = os.path.join(self.dir, "extcap")
        os.makedirs(extcap)
        self.env = {"HOME": self.dir, "WIRESHARK_EXTCAP_DIR": extcap,
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        if not installed:
            # replaces the system plugin folder, so no other synsight.so is seen
            self.env["WIRESHARK_PLUGIN_DIR"] = self.dir
        if preload:
            self.env["LD_PRELOAD"] = preload
            # leaks are checked at exit; only those through synsight fail a test
            self.env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
            self.env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"

    def capture(self, name):
        """Copy a bundled capture where the unprivileged tshark can read it
        (a path is one already there, such as a derived capture)."""
        if os.path.isabs(name):
            return name
        ext = ".pcapng" if os.path.exists(os.path.join(CAPTURES, name + ".pcapng")) else ".pcap"
        return self.readable(os.path.join(CAPTURES, name + ext))

    def readable(self, path, mode=0o644):
        """A copy of path (a capture, a script) in the test folder, which the
        unprivileged tshark can read: the checkout itself may not be."""
        dst = os.path.join(self.dir, os.path.basename(path))
        if not os.path.exists(dst):
            shutil.copy(path, dst)
            os.chmod(dst, mode)
        return dst

    def command(self, argv, **env):
        """argv as the unprivileged test user, with the plugin's environment
        (env adds to it or overrides it): the one place that builds it."""
        return as_test_user(dict(self.env, **env), argv)

    def run(self, *args):
        """tshark's output for args; the same args twice run once (captures
        do not change while a check runs)."""
        if args not in self.outputs:
            self.outputs[args] = self.run_uncached(*args)
        return self.outputs[args]

    def run_uncached(self, *args):
        p = subprocess.run(self.command(["tshark", *args]), capture_output=True, text=True)
        problem = sanitizer_problem(p.stderr)
        foreign_leak = p.returncode == LSAN_EXIT and "LeakSanitizer" in p.stderr
        if problem or (p.returncode != 0 and not foreign_leak):
            raise SystemExit(f"tshark {' '.join(args)} failed ({p.returncode}):\n{problem or p.stderr}")
        return p.stdout

    def run_unchecked(self, *args, timeout=300):
        """Runs tshark on input that may be damaged: a non-zero exit is fine
        (tshark reports a cut-short file that way); a signal, a sanitizer
        report or a hang is not. Returns the problem, or None."""
        try:
            p = subprocess.run(self.command(["tshark", *args]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "hang"
        problem = sanitizer_problem(p.stderr)
        if problem:
            return problem
        if p.returncode < 0 or p.returncode >= 128:
            return f"killed by signal ({p.returncode}): {p.stderr[-2000:]}"
        return None

    def script(self, name):
        """The synsight-annotate or synsight-report under test: the package's
        in /usr/bin, or the checkout's, copied where the test user can run it."""
        if self.installed:
            path = shutil.which(name, path="/usr/bin")
            assert path, f"{name} is not in /usr/bin: the package did not install it"
            return path
        return self.readable(os.path.join(ROOT, "scripts", name), 0o755)

    def tshark_for_scripts(self):
        """The tshark a script under test (synsight-annotate, -report) runs:
        plain tshark, or for a sanitizer build a wrapper that preloads its
        runtime into tshark only, not into python (leaks are the other
        tests' business; memory errors still abort)."""
        preload = self.env.get("LD_PRELOAD")
        if not preload:
            return "tshark"
        wrapper = os.path.join(self.dir, "tshark-preloaded")
        if not os.path.exists(wrapper):
            with open(wrapper, "w") as f:
                f.write(f'#!/bin/sh\nexec env LD_PRELOAD="{preload}" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 '
                        f'UBSAN_OPTIONS=halt_on_error=1 tshark "$@"\n')
            os.chmod(wrapper, 0o755)
        return wrapper

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def prove_loaded(ts):
    plugins = [line for line in ts.run("-G", "plugins").splitlines() if "synsight" in line]
    if len(plugins) != 1 or ts.plugin_dir not in plugins[0]:
        raise SystemExit(f"tshark does not load the synsight.so under test from {ts.plugin_dir}:\n" + "\n".join(plugins))
    fields = {line.split("\t")[2] for line in ts.run("-G", "fields").splitlines()
              if line.startswith(("F\t", "P\t")) and line.count("\t") >= 2}
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        raise SystemExit("fields not registered: " + " ".join(missing))
    return fields
