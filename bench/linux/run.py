#!/usr/bin/env python3
"""Side-by-side harness: Debian ARM Linux workloads under QEMU and captive.

Boots the guest images of `make images` (build/images/) once per run under
each side named on the command line, one side after the other and never two
at once (the host has 2 cores), with the same kernel, DTB, initrd, disk and
memory size. The guest's /init runs the chosen workloads (guest/workloads/)
and powers off; each workload is timed on the host from the arrival of its
console markers (@@START / @@END, see guest/workload), never by the guest's
clock. Boot-to-init (launch to @@INIT) is one row of the table.

Sides:
  qemu                      the reference invocation (DESIGN.md):
                            qemu-system-arm -M vexpress-a9,secure=off
                            -cpu cortex-a9,neon=off -m MB ...
  NAME[:S.K=V...]           build/captive -c configs/NAME.ini [--set S.K=V]...
  PATH.ini[:S.K=V...]       the same with a config file given by path

Prints a table (median seconds over the runs, ratio to qemu, geomean of the
workload ratios) and writes build/bench/linux.csv and build/bench/linux.json;
console logs go to build/bench/linux-logs/. A side that fails (cannot start,
never reaches init, times out, a workload fails) is marked failed in the
table; the harness goes on with the next side.

Each workload's output must be identical on every side and every run, and
equal to guest/golden/NAME.out when that exists (--update-golden writes those
files from the qemu side).

Exit status: 0 all sides ran and every output matched; 1 a side failed or an
output differed; 2 bad usage or missing images.
"""
import argparse
import csv
import datetime
import json
import math
import os
import platform
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BOOT_ROW = "boot-to-init"
# The one workload that needs the virtio-blk disk; other boots attach none,
# so sides without a disk model can still run the rest.
DISK_WORKLOAD = "disk"


class Side:
    """One way of running the guest: the reference QEMU or a captive config."""

    def __init__(self, spec, args):
        self.spec = spec
        self.args = args
        name, _, sets = spec.partition(":")
        self.sets = [s for s in sets.split(":") if s]
        if name == "qemu":
            self.kind = "qemu"
            self.config = None
            if self.sets:
                raise ValueError(f"side {spec!r}: qemu takes no :S.K=V overrides")
        else:
            self.kind = "captive"
            if name.endswith(".ini") or "/" in name:
                self.config = name
            else:
                self.config = os.path.join("configs", name + ".ini")
            if not os.path.isfile(os.path.join(REPO, self.config)):
                raise ValueError(f"side {spec!r}: no config file {self.config} "
                                 f"(give qemu, a name from configs/ or a path to an .ini)")
            for s in self.sets:
                if "=" not in s or "." not in s.split("=", 1)[0]:
                    raise ValueError(f"side {spec!r}: override {s!r} is not SECTION.KEY=VALUE")

    def command(self, append, disk):
        a = self.args
        if self.kind == "qemu":
            cmd = [a.qemu, "-M", "vexpress-a9,secure=off", "-cpu", "cortex-a9,neon=off",
                   "-m", str(a.memory), "-kernel", a.kernel, "-dtb", a.dtb,
                   "-initrd", a.initrd, "-append", append, "-nographic", "-no-reboot"]
            if disk:
                cmd += ["-drive", f"if=none,format=raw,file={disk},id=disk0",
                        "-device", "virtio-blk-device,drive=disk0"]
            return cmd
        cmd = [a.captive, "-c", self.config]
        for s in self.sets:
            cmd += ["--set", s]
        cmd += ["--kernel", a.kernel, "--dtb", a.dtb, "--initrd", a.initrd,
                "-m", f"{a.memory}M", "--append", append]
        if disk:
            cmd += ["--disk", disk]
        return cmd


class Run:
    """What one boot of one side produced."""

    def __init__(self):
        self.times = {}       # row name -> seconds
        self.setup = {}       # workload -> seconds from the previous marker to its
                              # @@START (its untimed prepare step, mostly)
        self.status = {}      # workload -> status word from @@END
        self.output = {}      # workload -> console text between its markers
        self.error = None     # why the run failed, or None
        self.exit_code = None
        self.log = None


def parse_console(run, line, now, state):
    """Feed one console line (without line ending) into run; state tracks
    the open workload and the start times."""
    if line == "@@INIT":
        run.times[BOOT_ROW] = now - state["launch"]
        state["last"] = now
    elif line.startswith("@@START "):
        state["current"] = line.split(None, 1)[1]
        state["start"] = now
        state["lines"] = []
        run.setup[state["current"]] = now - state.get("last", state["launch"])
    elif line.startswith("@@END "):
        parts = line.split()
        name = parts[1] if len(parts) > 1 else "?"
        if state.get("current") == name:
            run.times[name] = now - state["start"]
            run.output[name] = "".join(l + "\n" for l in state["lines"])
            run.status[name] = parts[2] if len(parts) > 2 else "?"
        state["current"] = None
        state["last"] = now
    elif line == "@@POWEROFF":
        state["poweroff"] = True
    elif state.get("current"):
        state["lines"].append(line)


def read_console(proc, run, state, log, args):
    """Read the guest console until it closes or args.timeout passes since
    launch, timestamping each chunk on arrival; return True on timeout."""
    deadline = state["launch"] + args.timeout
    pending = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if not sel.select(timeout=min(left, 1.0)):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            now = time.monotonic()
            if not chunk:
                return False
            log.write(chunk)
            if args.verbose:
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                parse_console(run, raw.decode("utf-8", "replace").rstrip("\r"), now, state)


def boot(side, workloads, run_index, args, logdir):
    """Boot side once, running workloads; return a Run."""
    run = Run()
    append = " ".join(["console=ttyAMA0", "quiet", "captive.workload=" + ",".join(workloads)]
                      + ([args.append] if args.append else []))
    tmpdir = tempfile.mkdtemp(prefix="captive-bench-")
    disk = None
    if args.disk and DISK_WORKLOAD in workloads:
        disk = os.path.join(tmpdir, "disk.ext4")
        shutil.copyfile(args.disk, disk)
    cmd = side.command(append, disk)
    safe = side.spec.replace("/", "_").replace(":", "_")
    run.log = os.path.join(logdir, f"{safe}-run{run_index + 1}.log")
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    state = {"current": None, "poweroff": False}
    with open(run.log, "wb") as log, open(run.log + ".stderr", "wb") as errlog:
        log.write(("# " + " ".join(cmd) + "\n").encode())
        state["launch"] = time.monotonic()
        try:
            proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=errlog, env=env,
                                    start_new_session=True)
        except OSError as e:
            run.error = f"cannot start {cmd[0]}: {e.strerror}"
            shutil.rmtree(tmpdir, ignore_errors=True)
            return run
        timed_out = False
        try:
            timed_out = read_console(proc, run, state, log, args)
            if timed_out:
                os.killpg(proc.pid, signal.SIGKILL)
            try:
                run.exit_code = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                run.exit_code = proc.wait()
        finally:
            # the guest runs in its own session (a terminal's Ctrl-C reaches
            # only the harness), so an interrupted harness must end it here
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            proc.stdout.close()
            shutil.rmtree(tmpdir, ignore_errors=True)

    if timed_out:
        if state["current"]:
            where = f"in workload {state['current']}"
        else:
            where = "after init" if BOOT_ROW in run.times else "before init"
        run.error = f"timed out after {args.timeout:g} s ({where})"
    elif BOOT_ROW not in run.times:
        run.error = f"exited with status {run.exit_code} before reaching init" \
            f"{stderr_tail(run.log + '.stderr')}"
    elif not state["poweroff"] or run.exit_code != 0:
        run.error = f"exited with status {run.exit_code}" + \
            ("" if state["poweroff"] else " without powering off") + stderr_tail(run.log + ".stderr")
    for name in workloads:
        if name not in run.status and not run.error:
            run.error = f"workload {name} did not run to its end marker"
        elif run.status.get(name, "0") != "0" and not run.error:
            run.error = f"workload {name} ended with status {run.status[name]}"
    return run


def stderr_tail(path):
    try:
        with open(path, errors="replace") as f:
            lines = [l.strip() for l in f if l.strip() and not l.startswith("ALSA")]
    except OSError:
        return ""
    return f": {' | '.join(lines[-3:])}" if lines else ""


def golden_path(name):
    return os.path.join(REPO, "guest", "golden", name + ".out")


def check_outputs(workloads, results):
    """For each workload: None if every run of every side printed the same
    text (and matches the golden file, when there is one), else a reason."""
    verdicts = {}
    for name in workloads:
        seen = {}
        for spec, runs in results.items():
            for r in runs:
                if name in r.output:
                    seen.setdefault(r.output[name], []).append(spec)
        golden = None
        if os.path.isfile(golden_path(name)):
            with open(golden_path(name)) as f:
                golden = f.read()
        if not seen:
            verdicts[name] = "no output"
        elif len(seen) > 1:
            verdicts[name] = "differs: " + " vs ".join(
                "/".join(sorted(set(specs))) for specs in seen.values())
        elif golden is not None and next(iter(seen)) != golden:
            verdicts[name] = "differs from guest/golden/" + name + ".out"
        else:
            verdicts[name] = None
    return verdicts


def median_or_none(values):
    return statistics.median(values) if values else None


def geomean(values):
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: bench/linux/run.py --runs 3 qemu captive-full baseline:strategy.backend=process",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sides", nargs="+", metavar="SIDE", help="qemu | CONFIG[:S.K=V...]")
    ap.add_argument("--workloads", default="all",
                    help="comma-separated names from guest/workloads/ (default: all)")
    ap.add_argument("--runs", type=int, default=3, help="boots per side; the median is reported")
    ap.add_argument("--timeout", type=float, default=900, help="seconds allowed per boot")
    ap.add_argument("--memory", type=int, default=512, help="guest RAM in MiB (default 512)")
    ap.add_argument("--images", default="build/images", help="directory of `make images` output")
    ap.add_argument("--dtb", default="build/vexpress-a9.dtb",
                    help="board DTB (default: ours, build/vexpress-a9.dtb)")
    ap.add_argument("--no-disk", dest="use_disk", action="store_false",
                    help="never attach the virtio-blk disk (the disk workload then fails)")
    ap.add_argument("--append", default="", help="extra kernel command-line words")
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--captive", default="build/captive")
    ap.add_argument("--out", default="build/bench", help="where linux.csv/.json go")
    ap.add_argument("--update-golden", action="store_true",
                    help="write guest/golden/NAME.out from the qemu side's output")
    ap.add_argument("-v", "--verbose", action="store_true", help="echo the guest console")
    args = ap.parse_args()
    # SIGTERM unwinds like Ctrl-C, so the guest being run is ended with us
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    os.chdir(REPO)
    sys.stdout.reconfigure(line_buffering=True)

    def usage_error(msg):
        print(f"bench/linux: {msg}", file=sys.stderr)
        return 2

    if args.runs < 1:
        return usage_error("--runs must be at least 1")
    args.kernel = os.path.join(args.images, "zImage")
    args.initrd = os.path.join(args.images, "initramfs.cpio.gz")
    args.disk = os.path.join(args.images, "disk.ext4") if args.use_disk else None
    for path, what in ((args.kernel, "kernel"), (args.initrd, "initramfs"),
                       (args.disk, "disk image")):
        if path and not os.path.isfile(path):
            return usage_error(f"no {what} at {path} (run `make images`)")
    if not os.path.isfile(args.dtb):
        return usage_error(f"no DTB at {args.dtb} (build it with make, or pass --dtb)")

    available = sorted(f[:-3] for f in os.listdir("guest/workloads") if f.endswith(".sh"))
    workloads = available if args.workloads == "all" else args.workloads.split(",")
    unknown = [w for w in workloads if w not in available]
    if unknown:
        return usage_error(f"unknown workload(s) {', '.join(unknown)}; have: {', '.join(available)}")
    try:
        sides = [Side(s, args) for s in args.sides]
    except ValueError as e:
        return usage_error(str(e))
    if len({s.spec for s in sides}) != len(sides):
        return usage_error("a side is named twice")
    if args.update_golden and not any(s.kind == "qemu" for s in sides):
        return usage_error("--update-golden needs the qemu side")

    logdir = os.path.join(args.out, "linux-logs")
    os.makedirs(logdir, exist_ok=True)
    results = {}
    failures = {}
    for side in sides:
        results[side.spec] = []
        for i in range(args.runs):
            print(f"bench/linux: {side.spec}: run {i + 1}/{args.runs} ...", file=sys.stderr, flush=True)
            r = boot(side, workloads, i, args, logdir)
            results[side.spec].append(r)
            if r.error:
                failures[side.spec] = f"run {i + 1}: {r.error} (log: {r.log})"
                print(f"bench/linux: {side.spec}: FAILED: {failures[side.spec]}", file=sys.stderr)
                break

    if args.update_golden:
        qemu_runs = results["qemu"]
        os.makedirs(os.path.join(REPO, "guest", "golden"), exist_ok=True)
        for name in workloads:
            if "qemu" in failures:
                break
            with open(golden_path(name), "w") as f:
                f.write(qemu_runs[0].output[name])
        if "qemu" not in failures:
            print(f"bench/linux: wrote guest/golden/ for {', '.join(workloads)}", file=sys.stderr)

    verdicts = check_outputs(workloads, results)
    rows = [BOOT_ROW] + workloads
    medians = {spec: {row: median_or_none([r.times[row] for r in runs if row in r.times])
                      for row in rows}
               for spec, runs in results.items()}
    has_qemu = "qemu" in results and "qemu" not in failures

    def ratio(spec, row):
        if not has_qemu:
            return None
        q, v = medians["qemu"].get(row), medians[spec].get(row)
        return v / q if q and v is not None else None

    # ---- table
    header = ["workload"]
    for s in sides:
        header.append(f"{s.spec} s")
        if has_qemu and s.spec != "qemu":
            header.append("ratio")
    header.append("output")
    table = [header]
    for row in rows:
        cells = [row]
        for s in sides:
            m = medians[s.spec][row]
            if m is not None:
                cells.append(f"{m:.2f}")
            else:
                cells.append("failed" if s.spec in failures else "-")
            if has_qemu and s.spec != "qemu":
                r = ratio(s.spec, row)
                cells.append(f"{r:.2f}" if r is not None else "-")
        cells.append("" if row == BOOT_ROW else (verdicts[row] or "same"))
        table.append(cells)
    # a geomean over only the workloads a failed side got through would
    # flatter it, so a failed side has none
    geo = ["geomean (workloads)"]
    for s in sides:
        g = None if s.spec in failures else geomean([medians[s.spec][w] for w in workloads])
        geo.append(f"{g:.2f}" if g else ("failed" if s.spec in failures else "-"))
        if has_qemu and s.spec != "qemu":
            g = None if s.spec in failures else geomean([ratio(s.spec, w) for w in workloads])
            geo.append(f"{g:.2f}" if g else ("failed" if s.spec in failures else "-"))
    geo.append("")
    table.append(geo)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    print(f"Linux workloads, median of {args.runs} run(s), seconds on the host clock")
    for i, r in enumerate(table):
        print("  ".join(c.ljust(w) if j == 0 or j == len(r) - 1 else c.rjust(w)
                        for j, (c, w) in enumerate(zip(r, widths))).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for spec, why in failures.items():
        print(f"failed: {spec}: {why}")

    # ---- CSV and JSON
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "linux.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["workload", "side", "median_s", "ratio_to_qemu", "runs_s", "status", "output"])
        for row in rows:
            for s in sides:
                m = medians[s.spec][row]
                r = ratio(s.spec, row)
                w.writerow([row, s.spec, "" if m is None else f"{m:.4f}",
                            "" if r is None else f"{r:.4f}",
                            " ".join(f"{x.times[row]:.4f}" for x in results[s.spec] if row in x.times),
                            "ok" if all(row in x.times for x in results[s.spec]) else "failed",
                            "" if row == BOOT_ROW else (verdicts[row] or "same")])
    manifest = []
    mpath = os.path.join(args.images, "manifest")
    if os.path.isfile(mpath):
        with open(mpath) as f:
            manifest = [dict(zip(("role", "package", "version", "file"), l.split()))
                        for l in f if l.strip()]
    doc = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": {"machine": platform.machine(), "cpus": os.cpu_count(),
                 "kernel": platform.release()},
        "runs": args.runs,
        "memory_mib": args.memory,
        "images": {"kernel": args.kernel, "initrd": args.initrd, "dtb": args.dtb,
                   "disk": args.disk, "packages": manifest},
        "workloads": workloads,
        "sides": [{
            "side": s.spec,
            "command": s.command("<append>", "<disk>" if args.disk else None),
            "failed": failures.get(s.spec),
            "median_s": medians[s.spec],
            "ratio_to_qemu": {row: ratio(s.spec, row) for row in rows} if has_qemu else None,
            "runs": [{"times_s": r.times, "setup_s": r.setup, "status": r.status,
                      "exit_code": r.exit_code,
                      "error": r.error, "log": r.log} for r in results[s.spec]],
        } for s in sides],
        "outputs": {name: verdicts[name] or "same" for name in workloads},
    }
    with open(os.path.join(args.out, "linux.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"wrote {args.out}/linux.csv, {args.out}/linux.json (console logs in {logdir})")

    mismatched = [n for n in workloads if verdicts[n]]
    return 1 if failures or mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
