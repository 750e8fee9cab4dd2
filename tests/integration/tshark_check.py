#!/usr/bin/env python3
"""Integration tests: the built plugin inside a real tshark, on real captures.

    tshark_check.py loads                      # the plugin is loaded and registers its fields
    tshark_check.py capture NAME               # every check below that takes NAME, in one run
    tshark_check.py golden NAME MODE           # synsight output == tests/expected/NAME.MODE.txt
    tshark_check.py oracle NAME                # synsight agrees with Wireshark's own TCP fields
    tshark_check.py expert NAME                # tshark -2 -z expert shows the same sentences as the tree
    tshark_check.py window NAME                # min_shift never exceeds the truth in NAME-full
    tshark_check.py table NAME                 # -z synsight,attempts == tests/expected/NAME.attempts.txt,
                                               # and agrees with Wireshark's own TCP fields
    tshark_check.py table-options              # the table's filter argument, bad filters, the GUI tables
    tshark_check.py annotate                   # synsight-annotate: comments, idempotence, refusals
    tshark_check.py coloring                   # docs/synsight.colorfilters: each rule's filter marks the right frames
    tshark_check.py expert-reach               # with no tree shown, expert items still reach filters and the Expert column
    tshark_check.py info NAME                  # the Info column's tags == tests/expected/NAME.info.txt
    tshark_check.py derived NAME               # NAME without a direction or its SYN/ACKs: no false "never answered"
    tshark_check.py update NAME...             # rewrite expected files (then check them by hand!)

MODE is "single" (one pass, as live capture) or "final" (tshark -2, as the GUI).

How tshark is run (unprivileged, the plugin and every input copied to a temp
folder) is in harness.py; each kind of check has its module (check_*.py).
"""
import os

from check_annotate import check_annotate
from check_coloring import check_coloring
from check_expert_reach import check_expert_reach
from check_flood import check_flood
from check_golden import check_expert_tap, check_golden, check_info, info_tags, render_info
from check_oracle import check_derived, check_oracle, check_window_soundness
from check_profile import check_profile
from check_report import check_report
from check_table import attempts_table, check_table, check_table_options
from harness import EXPECTED, Tshark, plugin_arguments, prove_loaded
from outputs import expected_path, render, synsight_output


def update(ts, *names):
    """Rewrites the expected files of names from the plugin under test."""
    os.makedirs(EXPECTED, exist_ok=True)
    for name in names:
        for mode in ("single", "final"):
            with open(expected_path(name, mode), "w") as f:
                f.write(render(synsight_output(ts, name, mode)))
            print("wrote", expected_path(name, mode))
        with open(os.path.join(EXPECTED, f"{name}.attempts.txt"), "w") as f:
            f.write(attempts_table(ts, name, "final"))
        with open(os.path.join(EXPECTED, f"{name}.info.txt"), "w") as f:
            f.write(render_info(info_tags(ts, name)))


def check_capture(ts, name):
    """Every check of one bundled capture, in one run: each tshark output
    is computed once and read by every check that needs it."""
    check_golden(ts, name, "single")
    check_golden(ts, name, "final")
    check_oracle(ts, name)
    check_expert_tap(ts, name)
    check_table(ts, name)
    check_info(ts, name)
    if not name.startswith("synthetic"):
        check_derived(ts, name)


# what -> the check; each takes the Tshark and the command line's arguments
CHECKS = {
    "capture": check_capture,
    "loads": lambda ts: print("synsight.so loaded; all required fields registered"),
    "golden": check_golden,
    "oracle": check_oracle,
    "expert": check_expert_tap,
    "window": check_window_soundness,
    "derived": check_derived,
    "info": check_info,
    "table": check_table,
    "table-options": check_table_options,
    "annotate": check_annotate,
    "report": check_report,
    "profile": check_profile,
    "flood": check_flood,
    "coloring": check_coloring,
    "expert-reach": check_expert_reach,
    "update": update,
}


def main():
    p = plugin_arguments()
    p.add_argument("what", choices=list(CHECKS))
    p.add_argument("args", nargs="*")
    a = p.parse_args()
    ts = Tshark(a.plugin, a.ws_version, a.preload or None, a.installed)
    try:
        prove_loaded(ts)
        CHECKS[a.what](ts, *a.args)
    finally:
        ts.close()


if __name__ == "__main__":
    main()
