"""Where an executed notebook spent its time, from the timing nbclient records in each code cell
(metadata.execution: iopub.status.busy → iopub.status.idle).

    /usr/bin/python3 environment/cell-times.py NOTEBOOK.ipynb [--top N]

Prints the number of code cells, their summed time and the N (default 3) slowest cells by their first
line. run-notebooks.sh calls it after each notebook; comparing the sum with the notebook's wall time
shows the kernel start-up and nbconvert's own share.
"""
import argparse
import json
from datetime import datetime


def seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    busy, idle = timing.get("iopub.status.busy"), timing.get("iopub.status.idle")
    if not busy or not idle:
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return (parse(idle) - parse(busy)).total_seconds()


def first_line(cell):
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    lines = [line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("//")]
    text = lines[0] if lines else "(empty)"
    return text if len(text) <= 70 else text[:67] + "..."


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--top", type=int, default=3)
    args = parser.parse_args()
    with open(args.notebook, encoding="utf-8") as handle:
        cells = [c for c in json.load(handle)["cells"] if c["cell_type"] == "code"]
    timed = [(seconds(c), i + 1, c) for i, c in enumerate(cells)]
    timed = [t for t in timed if t[0] is not None]
    if not timed:
        print("  no cell timings recorded")
        return
    total = sum(t[0] for t in timed)
    print(f"  {len(timed)} code cells, {total:.1f} s in cells (median {sorted(t[0] for t in timed)[len(timed) // 2]:.2f} s)")
    for took, number, cell in sorted(timed, key=lambda t: t[0], reverse=True)[:args.top]:
        print(f"  code cell {number:2d}: {took:8.1f} s  {first_line(cell)}")


if __name__ == "__main__":
    main()
