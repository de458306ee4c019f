"""Drives the TinyMem kernel through a real Jupyter client (Debian's jupyter_client), the way
Jupyter Notebook and nbconvert do, and checks what a notebook user relies on.

    /usr/bin/python3 kernel_check.py KERNEL_NAME [--chromium]

JUPYTER_PATH must let jupyter_client find KERNEL_NAME. Prints one line per check and, last, a JSON
line with measured times. Exits 1 if any check fails.
"""
import json
import os
import sys
import time

from jupyter_client import KernelManager

failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + str(detail)), flush=True)
    if not condition:
        failures.append(name)


def execute(kc, code, timeout=120, interrupt_after=None, km=None):
    """Runs code; returns (reply content, [(msg_type, content)]) of this request's output."""
    msg_id = kc.execute(code)
    if interrupt_after is not None:
        time.sleep(interrupt_after)
        km.interrupt_kernel()
    outputs = []
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append((msg["msg_type"], msg["content"]))
    while True:
        reply = kc.get_shell_msg(timeout=max(1, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], outputs


def of_type(outputs, msg_type):
    return [content for kind, content in outputs if kind == msg_type]


def main():
    kernel_name = sys.argv[1]
    with_chromium = "--chromium" in sys.argv[2:]
    if with_chromium:
        os.environ["TINYMEM_FIGURE_PNG"] = "1"
    km = KernelManager(kernel_name=kernel_name)
    started = time.time()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    startup = time.time() - started
    first_cell_started = time.time()
    try:
        reply, out = execute(kc, "int x = 41;")
        first_cell = time.time() - first_cell_started
        check("declaration runs", reply["status"] == "ok", reply)
        reply, out = execute(kc, "x + 1")
        results = of_type(out, "execute_result")
        check("variables persist across cells", results and results[0]["data"]["text/plain"] == "42", out)

        reply, out = execute(kc, 'System.out.println("hello"); System.err.println("oops");')
        streams = {c["name"]: c["text"] for c in of_type(out, "stream")}
        check("stdout and stderr stream", streams.get("stdout") == "hello\n" and streams.get("stderr") == "oops\n", out)

        reply, out = execute(kc, 'int y = 1;\nthrow new IllegalStateException("broken invariant");')
        errors = of_type(out, "error")
        check("exception reports the real class", reply["status"] == "error"
              and reply["ename"] == "java.lang.IllegalStateException" and errors
              and errors[0]["ename"] == "java.lang.IllegalStateException", reply)
        check("exception reports its message", reply.get("evalue") == "broken invariant", reply)

        reply, out = execute(kc, 'String s = 42;')
        check("compile error names the problem and shows the code", reply["status"] == "error"
              and reply["ename"] == "CompilationError" and "incompatible types" in reply["evalue"]
              and any("String s = 42;" in line for line in reply["traceback"])
              and any("^" in line for line in reply["traceback"]), reply)

        started_at = time.time()
        reply, out = execute(kc, "while (true) { Thread.sleep(100); }", interrupt_after=2, km=km, timeout=30)
        check("interrupt stops a sleeping loop", reply["status"] == "error"
              and time.time() - started_at < 15, reply)
        reply, out = execute(kc, "long n = 0; while (true) { n++; }", interrupt_after=2, km=km, timeout=30)
        check("interrupt stops a busy loop", reply["status"] == "error", reply)
        reply, out = execute(kc, "x")
        results = of_type(out, "execute_result")
        check("kernel answers after interrupts", results and results[0]["data"]["text/plain"] == "41", out)

        # PyTorch's grad mode is per thread and every cell runs on a fresh thread: the library's
        # cell-thread hook must switch it off, as DJL does on the thread that loads the engine.
        execute(kc, "var engineManager = ai.djl.ndarray.NDManager.newBaseManager();", timeout=120)
        reply, out = execute(kc, "ai.djl.pytorch.jni.JniUtils.isGradMode()")
        results = of_type(out, "execute_result")
        check("grad mode is off in a cell after the engine loaded",
              results and results[0]["data"]["text/plain"] == "false", out)

        reply, out = execute(kc, "import tech.tablesaw.api.*;\n"
                             "Table.create(\"scores\", DoubleColumn.create(\"loss\", 0.123456, 2.5),"
                             " IntColumn.create(\"tokens\", 1234567, 2))")
        results = of_type(out, "execute_result")
        html = results[0]["data"].get("text/html", "") if results else ""
        check("a table value displays as HTML", "<table" in html and "0.1235" in html and "1,234,567" in html, out)

        reply, out = execute(kc, "var image = new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB);\n"
                             "var bytes = new ByteArrayOutputStream();\n"
                             "javax.imageio.ImageIO.write(image, \"png\", bytes);\n"
                             "org.tinymem.notebook.Notebook.showPng(bytes.toByteArray());")
        shown = of_type(out, "display_data")
        check("Notebook.showPng displays image/png", shown and "image/png" in shown[0]["data"], out)

        reply, out = execute(kc, "try (var bar = org.tinymem.notebook.Notebook.progress(\"work\")) {\n"
                             "  for (int i = 1; i <= 8; i++) { Thread.sleep(100); bar.update(i, 8, \"step \" + i); }\n}")
        shown = of_type(out, "display_data")
        updates = of_type(out, "update_display_data")
        display_id = shown[0].get("transient", {}).get("display_id") if shown else None
        check("progress updates one display in place", display_id and len(updates) >= 2
              and all(u["transient"]["display_id"] == display_id for u in updates)
              and "8/8" in updates[-1]["data"]["text/plain"], out)

        if with_chromium:
            reply, out = execute(kc, "import tech.tablesaw.plotly.components.*; import tech.tablesaw.plotly.traces.*;\n"
                                 "org.tinymem.notebook.Notebook.show(new Figure(Layout.builder().width(400).height(300).build(),"
                                 " ScatterTrace.builder(new double[]{1, 2, 3}, new double[]{3, 1, 2}).build()));")
            shown = of_type(out, "display_data")
            data = shown[0]["data"] if shown else {}
            check("a figure displays offline plotly HTML and a PNG", "Plotly.newPlot" in data.get("text/html", "")
                  and "cdn" not in data.get("text/html", "").lower()[:2000]
                  and "image/png" in data, reply if not shown else list(data))

        reply = kc.complete("Math.ab", 7, reply=True, timeout=60)
        check("completion suggests members", "abs(" in reply["content"]["matches"], reply["content"])
        reply = kc.inspect("Math.abs(", 9, reply=True, timeout=60)
        check("inspection shows signatures", reply["content"]["found"]
              and "abs" in reply["content"]["data"].get("text/plain", ""), reply["content"])

        execute(kc, "int z = 0;")
        rounds = 20
        started_at = time.time()
        for i in range(rounds):
            execute(kc, "z++;")
        per_cell = (time.time() - started_at) / rounds
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps({"startup_s": round(startup, 3), "first_cell_s": round(first_cell, 3),
                      "per_cell_ms": round(per_cell * 1000, 1), "failures": failures}))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
