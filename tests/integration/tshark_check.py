#!/usr/bin/env python3
"""Integration tests: the built plugin inside a real tshark, on real captures.

    tshark_check.py loads                      # the plugin is loaded and registers its fields
    tshark_check.py golden NAME MODE           # synsight output == tests/expected/NAME.MODE.txt
    tshark_check.py oracle NAME                # synsight agrees with Wireshark's own TCP fields
    tshark_check.py expert NAME                # tshark -2 -z expert shows the same sentences as the tree
    tshark_check.py window NAME                # min_shift never exceeds the truth in NAME-full
    tshark_check.py table NAME                 # -z synsight,attempts == tests/expected/NAME.attempts.txt,
                                               # and agrees with Wireshark's own TCP fields
    tshark_check.py table-options              # the table's filter argument, bad filters, the GUI tables
    tshark_check.py annotate                   # synsight-annotate: comments, idempotence, refusals
    tshark_check.py coloring                   # docs/synsight.colorfilters: each rule's filter marks the right frames
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
from check_golden import check_expert_tap, check_golden, check_info, info_tags, render_info
from check_oracle import check_derived, check_oracle, check_window_soundness
from check_table import attempts_table, check_table, check_table_options
from harness import EXPECTED, Tshark, plugin_arguments, prove_loaded
from outputs import expected_path, render, synsight_output


def main():
    p = plugin_arguments()
    p.add_argument("what", choices=["loads", "golden", "oracle", "expert", "window", "table",
                                          "table-options", "annotate", "coloring", "info", "derived", "update"])
    p.add_argument("args", nargs="*")
    a = p.parse_args()
    ts = Tshark(a.plugin, a.ws_version, a.preload or None)
    try:
        prove_loaded(ts)
        if a.what == "loads":
            print("synsight.so loaded; all required fields registered")
        elif a.what == "golden":
            check_golden(ts, a.args[0], a.args[1])
        elif a.what == "oracle":
            check_oracle(ts, a.args[0])
        elif a.what == "expert":
            check_expert_tap(ts, a.args[0])
        elif a.what == "window":
            check_window_soundness(ts, a.args[0])
        elif a.what == "derived":
            check_derived(ts, a.args[0])
        elif a.what == "info":
            check_info(ts, a.args[0])
        elif a.what == "table":
            check_table(ts, a.args[0])
        elif a.what == "table-options":
            check_table_options(ts)
        elif a.what == "annotate":
            check_annotate(ts)
        elif a.what == "coloring":
            check_coloring(ts)
        elif a.what == "update":
            os.makedirs(EXPECTED, exist_ok=True)
            for name in a.args:
                for mode in ("single", "final"):
                    with open(expected_path(name, mode), "w") as f:
                        f.write(render(synsight_output(ts, name, mode)))
                    print("wrote", expected_path(name, mode))
                with open(os.path.join(EXPECTED, f"{name}.attempts.txt"), "w") as f:
                    f.write(attempts_table(ts, name, "final"))
                with open(os.path.join(EXPECTED, f"{name}.info.txt"), "w") as f:
                    f.write(render_info(info_tags(ts, name)))
    finally:
        ts.close()


if __name__ == "__main__":
    main()
