"""Benchmark of the TinyMem Java kernel through a real Jupyter client (Debian's jupyter_client).

    ./tinymem bench kernel [--starts N] [--cells N]
    /usr/bin/python3 environment/bench-kernel.py [KERNEL_NAME] [--starts N] [--cells N]

Measures, per kernel start (N starts, default 3):
  ready        start → kernel_info reply (what nbconvert and the Notebook wait for)
  first cell   a declaration right after start (JShell's compiler warms up here)
  imports      notebook 01's import cell (loads the library's classes into JShell)
and, on the last kernel, the per-cell overhead: the round trip of N (default 20) trivial cells
(`int v = 1;`) and of N expressions whose value is displayed (`v + 1`). Prints one `RESULT` line
per figure (medians, and min–max over starts) so runs can be compared; nothing is asserted.
JUPYTER_PATH must let jupyter_client find the kernel (the launcher sources kernel-env.sh).
"""
import argparse
import statistics
import time

from jupyter_client import KernelManager

IMPORTS = """import ai.djl.ndarray.NDManager;
import java.nio.file.*;
import java.util.*;
import org.tinymem.data.*;
import org.tinymem.experiment.*;
import org.tinymem.model.*;
import org.tinymem.notebook.*;
import org.tinymem.train.*;
import tech.tablesaw.api.*;"""


def run_cell(kc, code, timeout=120):
    """Executes code and waits for its reply and for the kernel to go idle; returns seconds taken."""
    started = time.perf_counter()
    msg_id = kc.execute(code)
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                and msg["content"]["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=max(1, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            if reply["content"]["status"] != "ok":
                raise SystemExit(f"cell failed: {code!r}: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
            return time.perf_counter() - started


def ms(seconds):
    return f"{seconds * 1000:.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kernel", nargs="?", default="tinymem-java")
    parser.add_argument("--starts", type=int, default=3, help="kernel starts to time (default 3)")
    parser.add_argument("--cells", type=int, default=20, help="cells per overhead sample (default 20)")
    args = parser.parse_args()
    if args.starts < 1 or args.cells < 1:
        parser.error("--starts and --cells must be at least 1")

    ready, first, imports = [], [], []
    trivial, displayed = [], []
    for start in range(args.starts):
        km = KernelManager(kernel_name=args.kernel)
        began = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            ready.append(time.perf_counter() - began)
            first.append(run_cell(kc, "int v = 1;"))
            imports.append(run_cell(kc, IMPORTS))
            if start == args.starts - 1:
                trivial = [run_cell(kc, "int v = 1;") for _ in range(args.cells)]
                displayed = [run_cell(kc, "v + 1") for _ in range(args.cells)]
            print(f"start {start + 1}/{args.starts}: ready {ms(ready[-1])} ms, first cell {ms(first[-1])} ms, "
                  f"imports {ms(imports[-1])} ms", flush=True)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def result(name, values):
        print(f"RESULT {name}_ms median={ms(statistics.median(values))} min={ms(min(values))} "
              f"max={ms(max(values))} n={len(values)}")

    result("kernel_ready", ready)
    result("first_cell", first)
    result("import_cell", imports)
    result("cell_overhead", trivial)
    result("displayed_value_cell", displayed)


if __name__ == "__main__":
    main()
