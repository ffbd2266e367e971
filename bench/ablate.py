#!/usr/bin/env python3
"""captive ablate: an ablation study, side by side with the reference QEMU.

Runs a matrix of captive configurations (SIDEs) over a set of workloads, with
qemu-system-arm as one more side, in rounds: each round runs every side once
on every workload, in a random order (seeded; the seed is printed and kept),
one run at a time. Every output must equal QEMU's (a side that computes a
different answer is a failure, not a data point). Per workload the statistic
is the median over rounds of the per-round ratio side/QEMU, with a bootstrap
95% interval; rounds repeat until every interval is narrow enough
(--target), --max-rounds is reached or the --budget is spent.

Everything lives in a study directory (--dir): study.json (the manifest: tool
version, captive's version, the study's parameters), results-HOST.jsonl and
.csv (one record per run, appended as each run ends, so an interrupted study
resumes where it stopped), probe.json/probe.txt (captive --probe), outputs/
and logs/, and report.html (one self-contained file, inline SVG).

SIDE is CONFIG[,section.key=value...]: a name under configs/ or a path, with
--set overrides for that side. The default sides are captive-full.ini, every
configs/ablate-*.ini, the runnable baseline family (baseline.ini and
baseline-*.ini) and auto.ini. Where /dev/kvm is unusable a side whose config
says backend=kvm runs as its process twin (--set strategy.backend=process,
labelled "[process twin]"); --no-twin skips such sides instead, with the
reason. A side naming a strategy that is not installed is recorded as "not
installed" and the study goes on.

WORKLOAD is compute, compute-thumb (bench/build/*.elf, timed from launch to
exit), mech:NAME (bench/build/mech/NAME.elf, timed between its console
markers; "mech" alone: every one built), linux:NAME (a Debian workload of
bench/linux/run.py, booted and timed from its markers; "linux" alone: all of
them) or elf:PATH (any bare-metal program, timed from launch to exit).

Exit status: 0 the study ran and every side that ran matched QEMU; 1 a side
failed (wrong output, crash, hang); 2 bad usage or a study directory that
cannot be resumed.
"""
import argparse
import csv
import datetime
import hashlib
import html
import importlib.util
import io
import itertools
import json
import math
import os
import platform
import random
import re
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
# The format of the study directory; a directory of another format is refused.
ABLATE_VERSION = 1
QEMU = "qemu"
AXES = ("backend", "mmu", "exec", "io", "irq")
AXIS_VALUES = {"backend": ("kvm", "process"), "mmu": ("softtlb", "hwmirror"),
               "exec": ("interp", "jit"), "io": ("mmio-exit", "barrier"),
               "irq": ("per-insn", "per-block")}
QEMU_BARE = ["-M", "vexpress-a9,secure=off", "-cpu", "cortex-a9,neon=off", "-m", "512",
             "-nographic"]
DEFAULT_WORKLOADS = "compute,compute-thumb,mech:device,mech:svc,mech:irq-sgi,mech:hot-mmuon," \
                    "mech:cold-mmuon,mech:block-small,linux:lua,linux:disk"
# Parameters that may change when a study is resumed; any other must match.
RESUMABLE = ("max_rounds", "budget", "target", "timeout")
COUNTERS_SHOWN = ("insns", "blocks", "exceptions", "irqs_taken", "tlb_misses", "page_walks",
                  "device_accesses_from_engine", "exits_mmio", "exits_io", "barrier_requests",
                  "barrier_parks", "fast_clock_reads", "idle_ns")
FIELDS = ("host", "round", "workload", "side", "label", "position", "status", "seconds",
          "output_sha", "message", "steal", "load1", "started")


def load_linux_harness():
    """bench/linux/run.py as a module: its boot machinery is reused, not copied."""
    spec = importlib.util.spec_from_file_location(
        "bench_linux_run", os.path.join(REPO, "bench", "linux", "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class UsageError(Exception):
    pass


# ---- sides -------------------------------------------------------------------

class Side:
    """A captive configuration (or the QEMU reference) as run in the study."""

    def __init__(self, spec):
        self.spec = spec
        self.sets = []
        self.note = ""          # why it is a twin, or why it is skipped
        self.skip = None        # a reason: never run
        self.strategy = {}      # effective strategy.* (from --dump-config)
        self.effective = ""     # the whole effective configuration
        if spec == QEMU:
            self.config = None
            self.label = QEMU
            return
        parts = spec.split(",")
        name = parts[0]
        for cand in (name, os.path.join("configs", name), os.path.join("configs", name + ".ini")):
            if os.path.isfile(os.path.join(REPO, cand)):
                self.config = cand
                break
        else:
            raise UsageError(f"side {spec!r}: no config {name!r} (a path, or a name under configs/)")
        for kv in parts[1:]:
            if "=" not in kv or "." not in kv.split("=", 1)[0]:
                raise UsageError(f"side {spec!r}: {kv!r} is not section.key=value")
            self.sets.append(kv)
        self.label = os.path.basename(self.config)[:-4] if self.config.endswith(".ini") \
            else os.path.basename(self.config)
        for kv in self.sets:
            self.label += "+" + kv.split("=", 1)[1]

    def resolve(self, captive, kvm_reason, twin):
        """Effective strategies; the process twin or a skip where KVM is unusable."""
        if self.config is None:
            return
        r = subprocess.run([captive, "-c", self.config] + sum((["--set", s] for s in self.sets), [])
                           + ["--dump-config"], cwd=REPO, capture_output=True, text=True)
        if r.returncode != 0:
            self.skip = "bad configuration: " + r.stderr.strip().replace("\n", " ")
            return
        self.effective = "\n".join(l for l in r.stdout.splitlines() if not l.startswith(";"))
        section = None
        for line in r.stdout.splitlines():
            m = re.match(r"\[(\w+)\]", line)
            if m:
                section = m.group(1)
            elif section == "strategy" and "=" in line and not line.startswith(";"):
                k, v = (x.strip() for x in line.split("=", 1))
                self.strategy[k] = v
        if self.strategy.get("backend") == "kvm" and kvm_reason:
            if twin:
                self.sets.append("strategy.backend=process")
                self.strategy["backend"] = "process"
                self.effective = self.effective.replace("backend = kvm", "backend = process")
                self.label += " [process twin]"
                self.note = f"runs as its process twin: {kvm_reason}"
            else:
                self.skip = f"kvm backend skipped: {kvm_reason}"

    def tuple(self):
        return tuple(self.strategy.get(a, "?") for a in AXES)


def kvm_unusable_reason():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError as e:
        return f"/dev/kvm: {e.strerror}"
    os.close(fd)
    if not any(f.endswith(".elf") for f in os.listdir(os.path.join(REPO, "build", "engine", "kvm"))
               if os.path.isdir(os.path.join(REPO, "build", "engine", "kvm"))):
        return "no bare-metal engine build in build/engine/kvm"
    return None


def default_sides():
    names = ["captive-full"]
    cfgs = sorted(os.listdir(os.path.join(REPO, "configs")))
    names += [c[:-4] for c in cfgs if c.startswith("ablate-") and c.endswith(".ini")]
    names += [c[:-4] for c in cfgs if (c == "baseline.ini" or c.startswith("baseline-"))
              and c.endswith(".ini")]
    names.append("auto")
    return names


def factorial_sides(base, axes):
    """Every combination of the named axes' values on top of the base config."""
    for a in axes:
        if a not in AXIS_VALUES:
            raise UsageError(f"--factorial: unknown axis {a!r}; axes: {', '.join(AXES)}")
    out = []
    for combo in itertools.product(*(AXIS_VALUES[a] for a in axes)):
        out.append(",".join([base] + [f"strategy.{a}={v}" for a, v in zip(axes, combo)]))
    return out


# ---- workloads ---------------------------------------------------------------

class Workload:
    def __init__(self, name, args, linux_available):
        self.name = name
        self.kind, _, self.arg = name.partition(":")
        if name in ("compute", "compute-thumb"):
            self.kind, self.path = "bare", os.path.join(args.bench_dir, name + ".elf")
            self.cls = "compute"
        elif self.kind == "elf":
            self.kind, self.path, self.cls = "bare", self.arg, "compute"
        elif self.kind == "mech":
            self.path = os.path.join(args.mech_dir, self.arg + ".elf")
            self.cls = "mech"
        elif self.kind == "linux":
            if self.arg not in linux_available:
                raise UsageError(f"unknown Linux workload {self.arg!r}; have: "
                                 f"{', '.join(linux_available)}")
            self.path = None
            self.cls = "linux"
        else:
            raise UsageError(f"unknown workload {name!r}: compute, compute-thumb, mech:NAME, "
                             f"linux:NAME or elf:PATH")
        if self.path and not os.path.isfile(os.path.join(REPO, self.path)):
            raise UsageError(f"workload {name!r}: {self.path} not found "
                             f"(make -C bench, make -C bench mech)")


def expand_workloads(text, args, linux_available):
    names = []
    for w in text.split(","):
        w = w.strip()
        if w == "mech":
            names += sorted("mech:" + f[:-4] for f in os.listdir(os.path.join(REPO, args.mech_dir))
                            if f.endswith(".elf"))
        elif w == "linux":
            names += ["linux:" + n for n in linux_available]
        elif w:
            names.append(w)
    if not names:
        raise UsageError("no workloads")
    return [Workload(n, args, linux_available) for n in dict.fromkeys(names)]


# ---- host state ----------------------------------------------------------------

def cpu_ticks():
    """(steal, total) jiffies from /proc/stat's cpu line."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return (v[7] if len(v) > 7 else 0), sum(v[:8])
    except (OSError, ValueError):
        return 0, 0


def load1():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return -1.0


def host_description():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) // 1024} MiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"hostname": socket.gethostname(), "cpu": model, "cpus": os.cpu_count(),
            "memory": mem, "kernel": platform.release(), "python": platform.python_version()}


# ---- one run -----------------------------------------------------------------

def run_bare(cmd, timeout, markers):
    """Run a bare-metal guest; returns (status, seconds, output, message).
    Timed from launch to exit, or between the mech markers when markers."""
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, start_new_session=True)
    except OSError as e:
        return "crashed", None, "", f"cannot start {cmd[0]}: {e.strerror}"
    out, err, start, end = b"", b"", None, None
    pending = b""
    timed_out = False
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            sel.register(proc.stderr, selectors.EVENT_READ)
            open_ = 2
            while open_:
                left = t0 + timeout - time.monotonic()
                if left <= 0:
                    timed_out = True
                    break
                for key, _ in sel.select(timeout=min(left, 1.0)):
                    chunk = os.read(key.fileobj.fileno(), 65536)
                    now = time.monotonic()
                    if not chunk:
                        sel.unregister(key.fileobj)
                        open_ -= 1
                        continue
                    if key.fileobj is proc.stderr:
                        err += chunk
                        continue
                    out += chunk
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        line = line.rstrip(b"\r")
                        if line.startswith(b"mech ") and line.endswith(b" start") and start is None:
                            start = now
                        elif line == b"mech end" and end is None:
                            end = now
        if timed_out:
            os.killpg(proc.pid, signal.SIGKILL)
        rc = proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    t1 = time.monotonic()
    text = out.decode("utf-8", "replace")
    errtext = err.decode("utf-8", "replace")
    if timed_out:
        return "timeout", None, text, f"no end after {timeout:g} s"
    if rc != 0:
        return classify_failure(rc, errtext), None, text, failure_message(rc, errtext)
    if markers:
        if start is None or end is None:
            return "crashed", None, text, "no mech start and end markers in the output"
        return "ok", end - start, text, ""
    return "ok", t1 - t0, text, ""


def classify_failure(rc, err):
    if "is not installed" in err or "no engine build" in err:
        return "not-installed"
    if rc == 2:
        return "bad-config"
    return "crashed"


def failure_message(rc, err):
    lines = [l.strip() for l in err.splitlines()
             if l.strip() and not l.startswith("ALSA") and not l.startswith("captive: stats")
             and not l.startswith("  ")]
    return f"exit {rc}: " + " | ".join(lines[-3:])


def run_linux(linux, side, wl, args, logdir, stats_path):
    """One boot running one Linux workload, through bench/linux/run.py."""
    class StudySide(linux.Side):
        def command(self, append, disk):
            cmd = super().command(append, disk)
            return cmd + ["--stats-json", stats_path] if self.kind == "captive" else cmd
    spec = QEMU if side.config is None else ":".join([side.config] + side.sets)
    largs = argparse.Namespace(
        qemu=args.qemu, captive=args.captive, memory=512, timeout=args.timeout, verbose=False,
        append="", kernel=os.path.join(args.images, "zImage"),
        initrd=os.path.join(args.images, "initramfs.cpio.gz"), dtb=args.dtb,
        disk=os.path.join(args.images, "disk.ext4"))
    r = linux.boot(StudySide(spec, largs), [wl.arg], 0, largs, logdir)
    if r.error:
        err = ""
        try:
            with open(r.log + ".stderr", errors="replace") as f:
                err = f.read()
        except OSError:
            pass
        status = "timeout" if r.error.startswith("timed out") else classify_failure(
            r.exit_code or 1, err)
        return status, None, r.output.get(wl.arg, ""), r.error
    return "ok", r.times[wl.arg], r.output[wl.arg], ""


# ---- the study directory -----------------------------------------------------

class Study:
    def __init__(self, d):
        self.dir = d
        self.host = socket.gethostname()
        self.results = os.path.join(d, f"results-{self.host}.jsonl")

    def manifest_path(self):
        return os.path.join(self.dir, "study.json")

    def open(self, params, create):
        """Create the directory with its manifest, or check an existing one."""
        mp = self.manifest_path()
        if os.path.isdir(self.dir) and not os.path.exists(mp):
            if any(f.startswith("results-") for f in os.listdir(self.dir)):
                raise UsageError(f"{self.dir} holds results but no study.json: half-written or "
                                 f"not a study; use another --dir")
        if os.path.exists(mp):
            try:
                with open(mp) as f:
                    old = json.load(f)
            except (OSError, ValueError) as e:
                raise UsageError(f"{mp} cannot be read ({e}): a half-written study; use another --dir")
            if old.get("tool") != "captive-ablate" or old.get("version") != ABLATE_VERSION:
                raise UsageError(f"{self.dir} was made by {old.get('tool')} format "
                                 f"{old.get('version')}, this is captive-ablate format "
                                 f"{ABLATE_VERSION}: use another --dir")
            if old.get("captive") != params["captive"]:
                raise UsageError(f"{self.dir} was measured with {old.get('captive')!r}, this "
                                 f"captive is {params['captive']!r}: results would mix; use another --dir")
            diff = [k for k in params["study"] if k not in RESUMABLE
                    and old["study"].get(k) != params["study"][k]]
            if diff:
                what = ", ".join(f"{k}: {old['study'].get(k)!r}, here {params['study'][k]!r}"
                                 for k in diff)
                raise UsageError(f"{self.dir} is a study with other parameters ({what}); "
                                 f"use another --dir, or rerun with the same ones")
            for k in RESUMABLE:
                old["study"][k] = params["study"][k]
            self.manifest = old
        elif not create:
            raise UsageError(f"{self.dir} is not a study (no study.json)")
        else:
            os.makedirs(self.dir, exist_ok=True)
            self.manifest = dict(params, created=now_iso())
        tmp = mp + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.manifest, f, indent=2)
            f.write("\n")
        os.replace(tmp, mp)

    def load_records(self, paths=None):
        """Every record of this host (or of the given files); a torn last line
        (an interrupted write) is cut off, once, with a note."""
        recs = []
        for p in paths or [self.results]:
            if not os.path.exists(p):
                continue
            with open(p, "rb") as f:
                data = f.read()
            good = data
            if data and not data.endswith(b"\n"):
                good = data[:data.rfind(b"\n") + 1]
            for line in good.splitlines():
                try:
                    recs.append(json.loads(line))
                except ValueError:
                    raise UsageError(f"{p}: a record that does not parse; the file was edited or "
                                     f"mixed: use another --dir")
            if good != data and p == self.results:
                print(f"ablate: {p}: dropping a half-written last record (interrupted run)",
                      file=sys.stderr)
                with open(p, "wb") as f:
                    f.write(good)
        return recs

    def append(self, rec):
        line = (json.dumps(rec, sort_keys=True) + "\n").encode()
        fd = os.open(self.results, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        csvp = self.results[:-6] + ".csv"
        new = not os.path.exists(csvp)
        with open(csvp, "a", newline="") as f:
            w = csv.writer(f)
            if new:
                w.writerow(FIELDS)
            w.writerow([rec.get(k, "") for k in FIELDS])

    def rewrite_csv(self, recs):
        """The CSV mirrors the JSONL; after a resume it is rebuilt from it."""
        with open(self.results[:-6] + ".csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(FIELDS)
            for r in recs:
                w.writerow([r.get(k, "") for k in FIELDS])


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def captive_version(captive):
    try:
        r = subprocess.run([captive, "--version"], capture_output=True, text=True, cwd=REPO)
        v = r.stdout.strip()
    except OSError:
        v = "?"
    try:
        g = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                           text=True, cwd=REPO).stdout.strip()
    except OSError:
        g = ""
    return f"{v} git {g}" if g else v


# ---- statistics -------------------------------------------------------------------

def bootstrap_ci(values, rng, n=2000):
    """Median and bootstrap 95% interval of the median."""
    if not values:
        return None, None, None
    med = statistics.median(values)
    if len(values) == 1:
        return med, med, med
    meds = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(n))
    return med, meds[int(0.025 * n)], meds[min(n - 1, int(0.975 * n))]


def paired_ratios(recs, num, den, wl):
    """Per (host, round): num's time over den's time, for one workload."""
    t = {}
    for r in recs:
        if r["workload"] == wl and r["status"] == "ok" and r["side"] in (num, den):
            t[(r["host"], r["round"], r["side"])] = r["seconds"]
    out = []
    for (h, rnd, s), v in t.items():
        if s == num and (h, rnd, den) in t and t[(h, rnd, den)] > 0:
            out.append(v / t[(h, rnd, den)])
    return out


class Analysis:
    """Everything the report and the stopping rule need, from the records."""

    def __init__(self, recs, sides, workloads, seed):
        self.recs = recs
        self.sides = sides
        self.workloads = workloads
        self.rng = random.Random(seed)
        self.ref = {}           # workload -> QEMU's output sha
        self.failed = {}        # (side, workload) -> (status, message)
        for r in recs:
            if r["side"] == QEMU and r["status"] == "ok":
                self.ref.setdefault(r["workload"], r["output_sha"])
        for r in recs:
            key = (r["side"], r["workload"])
            if key in self.failed:
                continue
            # A wrong output is the verdict whatever its run's timing was
            # (a short program on a loaded host can also time as 0 s).
            if r["status"] != "ok":
                self.failed[key] = (r["status"], r["message"])
            elif r["workload"] in self.ref and r["output_sha"] != self.ref[r["workload"]]:
                self.failed[key] = ("wrong-output", f"output differs from QEMU's (round "
                                                    f"{r['round']}, see outputs/)")
            elif r["seconds"] is not None and r["seconds"] <= 0:
                # Seen twice in one study (a barrier side on an
                # oversubscribed host): the guest's console held the start
                # marker back until the workload's end.
                self.failed[key] = ("bad-timing", f"round {r['round']} took 0 s: its start and "
                                    "end markers reached the host in one read")
        self.stats = {}         # (side, workload) -> dict
        for wl in workloads:
            for s in sides:
                if s == QEMU or (s, wl) in self.failed:
                    continue
                ratios = paired_ratios(recs, s, QEMU, wl)
                times = [r["seconds"] for r in recs if r["side"] == s and r["workload"] == wl
                         and r["status"] == "ok"]
                if not ratios:
                    continue
                med, lo, hi = bootstrap_ci(ratios, self.rng)
                self.stats[(s, wl)] = {"ratio": med, "lo": lo, "hi": hi, "n": len(ratios),
                                       "median_s": statistics.median(times)}

    def qemu_median(self, wl):
        v = [r["seconds"] for r in self.recs if r["side"] == QEMU and r["workload"] == wl
             and r["status"] == "ok"]
        return statistics.median(v) if v else None

    def widest(self):
        w = 0.0
        for st in self.stats.values():
            if st["n"] < 2:
                return math.inf
            w = max(w, (st["hi"] - st["lo"]) / st["ratio"] if st["ratio"] else math.inf)
        return w

    def counters(self, side, wl):
        """Median of each counter over the side's good runs of the workload."""
        runs = [r.get("counters") or {} for r in self.recs
                if r["side"] == side and r["workload"] == wl and r["status"] == "ok"]
        keys = set().union(*runs) if runs else set()
        return {k: statistics.median([c.get(k, 0) for c in runs]) for k in keys}


# ---- the study loop ----------------------------------------------------------

def order_for(seed, rnd, wl, labels):
    """The sides of one workload in one round: a shuffle that depends only on
    (seed, round, workload), so a resumed or distributed study agrees."""
    order = list(labels)
    random.Random(f"{seed}:{rnd}:{wl}").shuffle(order)
    return order


def fmt_eta(s):
    if s is None or s != s:
        return "?"
    s = int(s)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def run_one(study, side, wl, rnd, pos, args, linux):
    """Run one job and append its record."""
    tag = f"{side.label}__{wl.name}__r{rnd}".replace("/", "_").replace(":", "_").replace(" ", "_")
    logdir = os.path.join(study.dir, "logs")
    os.makedirs(logdir, exist_ok=True)
    stats_path = os.path.join(logdir, tag + ".stats.json")
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    steal0, tot0 = cpu_ticks()
    la = load1()
    started = now_iso()
    if wl.kind == "linux":
        status, secs, out, msg = run_linux(linux, side, wl, args, logdir, stats_path)
    else:
        if side.config is None:
            cmd = [args.qemu] + QEMU_BARE + ["-kernel", wl.path]
        else:
            cmd = [args.captive, "-c", side.config, "--set", f"guest.kernel={wl.path}"]
            cmd += sum((["--set", s] for s in side.sets), [])
            cmd += ["--watchdog", "0", "--stats-json", stats_path]
        status, secs, out, msg = run_bare(cmd, args.timeout, wl.kind == "mech")
    steal1, tot1 = cpu_ticks()
    sha = hashlib.sha256(out.encode()).hexdigest()[:16]
    odir = os.path.join(study.dir, "outputs", wl.name.replace("/", "_").replace(":", "_"))
    os.makedirs(odir, exist_ok=True)
    opath = os.path.join(odir, sha + ".txt")
    if not os.path.exists(opath):
        with open(opath, "w") as f:
            f.write(out)
    rec = {"host": study.host, "round": rnd, "workload": wl.name, "side": side.spec,
           "label": side.label, "position": pos, "status": status,
           "seconds": None if secs is None else round(secs, 6), "output_sha": sha,
           "message": msg, "steal": round((steal1 - steal0) / (tot1 - tot0), 4) if tot1 > tot0 else 0.0,
           "load1": la, "started": started}
    if side.config is not None and os.path.exists(stats_path):
        try:
            with open(stats_path) as f:
                sj = json.load(f)
            rec["counters"] = sj.get("counters", {})
            rec["strategy"] = {a: sj.get(a) for a in AXES}
            if "auto" in sj:
                rec["auto"] = sj["auto"]
        except (OSError, ValueError):
            pass
    study.append(rec)
    return rec


def study_loop(study, sides, workloads, args, linux):
    by_spec = {s.spec: s for s in sides}
    runnable = [s for s in sides[1:] if not s.skip]
    recs = study.load_records()
    study.rewrite_csv(recs)
    done = {(r["side"], r["workload"], r["round"]) for r in recs}
    seed = study.manifest["study"]["seed"]
    t_start = time.monotonic()
    spent0 = sum(r.get("seconds") or 0 for r in recs)
    durations = {}
    for r in recs:
        if r.get("seconds"):
            durations.setdefault((r["side"], r["workload"]), []).append(r["seconds"])
    tty = sys.stderr.isatty()
    status = 0
    rnd = 1
    while True:
        an = Analysis(recs, [s.spec for s in sides], [w.name for w in workloads], seed)
        if rnd > args.min_rounds:
            widest = an.widest()
            spent = time.monotonic() - t_start
            if widest <= args.target:
                print(f"ablate: every interval is within {args.target:.0%} of its median "
                      f"after {rnd - 1} rounds", file=sys.stderr)
                break
            if rnd > args.max_rounds:
                print(f"ablate: {args.max_rounds} rounds done (widest interval "
                      f"{widest:.0%} of its median)", file=sys.stderr)
                break
            if args.budget and spent0 + spent >= args.budget:
                print(f"ablate: time budget of {args.budget:g} s spent after {rnd - 1} rounds",
                      file=sys.stderr)
                break
        todo = []
        for wl in workloads:
            for pos, spec in enumerate(order_for(seed, rnd, wl.name,
                                                 [QEMU] + [s.spec for s in runnable])):
                if (spec, wl.name, rnd) in done or (spec, wl.name) in an.failed:
                    continue
                todo.append((by_spec[spec], wl, pos))
        if rnd == 1 or todo:
            print(f"ablate: round {rnd}: order seeded by {seed}", file=sys.stderr)
        for i, (side, wl, pos) in enumerate(todo):
            left = sum(statistics.mean(durations.get((s.spec, w.name), [5.0])) + 0.3
                       for s, w, _ in todo[i:])
            left += max(0, args.min_rounds - rnd) * sum(
                statistics.mean(durations.get((s.spec, w.name), [5.0])) + 0.3
                for s in [by_spec[QEMU]] + runnable for w in workloads)
            line = (f"ablate: round {rnd} run {i + 1}/{len(todo)}: {wl.name} on {side.label} "
                    f"(about {fmt_eta(left)} left in the first {max(rnd, args.min_rounds)} rounds)")
            print(("\r\033[K" + line) if tty else line, end="" if tty else "\n",
                  file=sys.stderr, flush=True)
            rec = run_one(study, side, wl, rnd, pos, args, linux)
            recs.append(rec)
            done.add((side.spec, wl.name, rnd))
            if rec["seconds"]:
                durations.setdefault((side.spec, wl.name), []).append(rec["seconds"])
            if rec["status"] != "ok":
                if tty:
                    print(file=sys.stderr)
                print(f"ablate: {side.label} on {wl.name}: {rec['status']}: {rec['message']}",
                      file=sys.stderr)
        if tty and todo:
            print(file=sys.stderr)
        rnd += 1
    return recs


# ---- predicted mechanism costs --------------------------------------------------

def predicted_ns(counters, strategy, probe):
    """What the run's counted host operations cost by the probe's numbers."""
    if not counters or not probe:
        return None
    ns = probe.get("ns", {})
    c = 0.0
    if strategy.get("backend") == "kvm":
        c += counters.get("exits_mmio", 0) * ns.get("mmio3", 0)
        c += counters.get("exits_io", 0) * ns.get("io3", 0)
    if strategy.get("io") == "barrier":
        c += counters.get("barrier_requests", 0) * ns.get("handoff", 0)
        c += counters.get("barrier_parks", 0) * ns.get("futex_wake", 0)
    if strategy.get("mmu") == "hwmirror" and strategy.get("backend") != "kvm":
        # every hwmirror fault is a SIGSEGV round trip; a fill's page is then
        # touched for the first time; each maintenance call unmaps
        faults = sum(counters.get("hwm_fault_" + k, 0)
                     for k in ("fill", "abort", "device", "code", "other"))
        c += faults * ns.get("segv", 0)
        c += counters.get("hwm_fault_fill", 0) * ns.get("touch_page", 0)
        c += sum(counters.get("hwm_calls_tlbi_" + k, 0)
                 for k in ("mva", "asid", "all")) * ns.get("unmap_page", 0)
    return c


# ---- the report ----------------------------------------------------------------

def svg_ratio_chart(rows, title, ref_label="QEMU = 1"):
    """Horizontal bars on a log scale: rows of (label, median, lo, hi, note)."""
    rows = [r for r in rows if r[1]]
    if not rows:
        return "<p><i>no measured side</i></p>"
    vals = [v for r in rows for v in r[1:4] if v] + [1.0]
    lo_v, hi_v = min(vals) / 1.15, max(vals) * 1.15
    W, left, right, rh = 760, 260, 70, 22
    H = 34 + rh * len(rows) + 24
    lx = lambda v: left + (math.log(v) - math.log(lo_v)) / (math.log(hi_v) - math.log(lo_v)) * (W - left - right)
    e = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" role="img" '
           f'aria-label="{e(title)}" font-family="sans-serif" font-size="12">',
           f'<text x="4" y="16" font-weight="bold">{e(title)}</text>']
    x1 = lx(1.0)
    out.append(f'<line x1="{x1:.1f}" y1="24" x2="{x1:.1f}" y2="{H - 20}" stroke="#c00" '
               f'stroke-dasharray="4 3"/><text x="{x1 + 3:.1f}" y="{H - 8}" fill="#c00">{e(ref_label)}</text>')
    for i, (label, med, lo, hi, note) in enumerate(rows):
        y = 30 + i * rh
        out.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{e(label)}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{max(1, lx(med) - left):.1f}" height="{rh - 8}" '
                   f'fill="{"#4a7ebb" if med >= 1 else "#5aa05a"}"/>')
        if lo and hi:
            out.append(f'<line x1="{lx(lo):.1f}" y1="{y + rh / 2:.1f}" x2="{lx(hi):.1f}" '
                       f'y2="{y + rh / 2:.1f}" stroke="#000" stroke-width="2"/>')
            for v in (lo, hi):
                out.append(f'<line x1="{lx(v):.1f}" y1="{y + 5}" x2="{lx(v):.1f}" y2="{y + rh - 5}" stroke="#000"/>')
        out.append(f'<text x="{W - right + 4}" y="{y + 14}">{med:.2f}{e(note)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def verdict(st):
    if st["n"] < 3:
        return f"{st['n']} round(s): too few for an interval"
    if st["lo"] <= 1 <= st["hi"]:
        return "no measurable difference"
    return "slower" if st["lo"] > 1 else "faster"


def write_report(study_dirs, out_path, png):
    """One self-contained HTML report from one or more study directories."""
    recs, manifest, probe, probe_txt, sides_meta = [], None, None, "", {}
    for d in study_dirs:
        st = Study(d)
        with open(st.manifest_path()) as f:
            m = json.load(f)
        manifest = manifest or m
        files = sorted(os.path.join(d, f) for f in os.listdir(d)
                       if f.startswith("results-") and f.endswith(".jsonl"))
        recs += st.load_records(files)
        for s in m.get("sides_resolved", []):
            sides_meta.setdefault(s["spec"], s)
        if probe is None and os.path.exists(os.path.join(d, "probe.json")):
            with open(os.path.join(d, "probe.json")) as f:
                probe = json.load(f)
            with open(os.path.join(d, "probe.txt")) as f:
                probe_txt = f.read()
    ms = manifest["study"]
    sides = [QEMU] + [s for s in ms["sides"]]
    wls = ms["workloads"]
    an = Analysis(recs, sides, wls, ms["seed"])
    label = {s: sides_meta.get(s, {}).get("label", s) for s in sides}
    label[QEMU] = "qemu-system-arm"
    e = html.escape
    hosts = sorted({r["host"] for r in recs})
    P = []
    P.append(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>captive ablation study</title>"
             "<style>body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em}"
             "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:2px 6px;"
             "text-align:right}td:first-child,th:first-child{text-align:left}.bad{color:#b00}"
             "pre{background:#f4f4f4;padding:.5em;overflow-x:auto}</style></head><body>")
    P.append("<h1>captive ablation study</h1>")
    P.append(f"<p>Made {e(now_iso())} from {e(', '.join(study_dirs))}; captive {e(manifest['captive'])}; "
             f"seed {ms['seed']} (round orders are shuffles seeded by seed, round and workload); "
             f"rounds {ms['min_rounds']}–{ms['max_rounds']}, target interval width "
             f"{ms['target']:.0%} of the median, budget {ms['budget'] or 'none'} s; hosts: "
             f"{e(', '.join(hosts))}. Every ratio is a side's time over QEMU's time <i>on the same "
             f"host in the same round</i>; the statistic is the median of those per-round ratios "
             f"with a bootstrap 95% interval (2000 resamples). Above 1 is slower than QEMU.</p>")
    notes = [f"<li>{e(label[s])}: {e(m.get('note') or m.get('skip'))}</li>"
             for s, m in sides_meta.items() if m.get("note") or m.get("skip")]
    if notes:
        P.append("<h2>Sides</h2><ul>" + "".join(notes) + "</ul>")
    # failures
    fails = [(s, w, st, msg) for (s, w), (st, msg) in sorted(an.failed.items())]
    if fails:
        P.append("<h2>Failures and sides that did not run</h2><table><tr><th>side</th><th>workload</th>"
                 "<th>status</th><th>message</th></tr>")
        for s, w, st, msg in fails:
            cls = "" if st == "not-installed" else " class='bad'"
            P.append(f"<tr{cls}><td>{e(label.get(s, s))}</td><td>{e(w)}</td><td>{e(st)}</td>"
                     f"<td style='text-align:left'>{e(msg)}</td></tr>")
        P.append("</table><p>“not-installed”: the configuration names a strategy this build does "
                 "not have yet (not a wrong answer). Any other status is a failure.</p>")
    # per workload
    svgs = {}
    P.append("<h2>Per workload: time against QEMU</h2>")
    for wl in wls:
        q = an.qemu_median(wl)
        rows, trs = [], []
        for s in sides[1:]:
            st = an.stats.get((s, wl))
            if not st:
                continue
            rows.append((label[s], st["ratio"], st["lo"], st["hi"], ""))
            trs.append(f"<tr><td>{e(label[s])}</td><td>{st['median_s']:.3f}</td><td>{st['ratio']:.3f}</td>"
                       f"<td>[{st['lo']:.3f}, {st['hi']:.3f}]</td><td>{st['n']}</td><td>{e(verdict(st))}</td></tr>")
        svg = svg_ratio_chart(rows, f"{wl}: time / QEMU's (median of per-round ratios, 95% interval)")
        svgs[f"workload-{wl}"] = svg
        P.append(f"<h3>{e(wl)}</h3>{svg}")
        P.append(f"<table><tr><th>side</th><th>median s</th><th>ratio to QEMU</th><th>95% interval</th>"
                 f"<th>rounds</th><th>verdict vs QEMU</th></tr><tr><td>qemu-system-arm</td>"
                 f"<td>{q if q is None else f'{q:.3f}'}</td><td>1</td><td></td><td></td><td>reference</td></tr>"
                 + "".join(trs) + "</table>")
    # per axis
    P.append("<h2>Per axis: what toggling it changed</h2><p>Pairs of sides whose effective strategies "
             "differ on exactly one axis; the ratio is B's time over A's in the same round.</p>")
    tup = {s: tuple(sides_meta[s]["strategy"].get(a) for a in AXES) for s in sides[1:]
           if s in sides_meta and sides_meta[s].get("strategy") and "auto" not in sides_meta[s]["strategy"].values()}
    pairs = []
    for a, b in itertools.combinations(sorted(tup), 2):
        d = [i for i in range(5) if tup[a][i] != tup[b][i]]
        if len(d) == 1:
            i = d[0]
            if AXIS_VALUES[AXES[i]].index(tup[a][i]) > AXIS_VALUES[AXES[i]].index(tup[b][i]):
                a, b = b, a
            pairs.append((AXES[i], a, b))
    pred_rows = []
    for axis in AXES:
        ps = [p for p in pairs if p[0] == axis]
        if not ps:
            continue
        rows, trs = [], []
        for _, a, b in ps:
            ta, tb = tup[a][AXES.index(axis)], tup[b][AXES.index(axis)]
            for wl in wls:
                if (a, wl) in an.failed or (b, wl) in an.failed:
                    continue
                rat = paired_ratios(recs, b, a, wl)
                if not rat:
                    continue
                med, lo, hi = bootstrap_ci(rat, an.rng)
                st = {"ratio": med, "lo": lo, "hi": hi, "n": len(rat)}
                rows.append((f"{wl}", med, lo, hi, f"  {tb} / {ta}"))
                trs.append(f"<tr><td>{e(wl)}</td><td>{e(label[a])}</td><td>{e(label[b])}</td>"
                           f"<td>{med:.3f}</td><td>[{lo:.3f}, {hi:.3f}]</td><td>{e(verdict(st).replace('QEMU', 'A'))}</td></tr>")
                # measured vs predicted mechanism cost
                ca, cb = an.counters(a, wl), an.counters(b, wl)
                pa = predicted_ns(ca, sides_meta[a]["strategy"], probe)
                pb = predicted_ns(cb, sides_meta[b]["strategy"], probe)
                sa, sb = an.stats.get((a, wl)), an.stats.get((b, wl))
                if sa and sb:
                    meas = sb["median_s"] - sa["median_s"]
                    pred = None if pa is None or pb is None else (pb - pa) / 1e9
                    pred_rows.append((axis, wl, label[a], label[b], meas, pred))
        svg = svg_ratio_chart(rows, f"{axis}: B / A per workload", "no change = 1")
        svgs[f"axis-{axis}"] = svg
        P.append(f"<h3>{e(axis)}</h3>{svg}<table><tr><th>workload</th><th>A</th><th>B</th>"
                 f"<th>B / A</th><th>95% interval</th><th>verdict</th></tr>{''.join(trs)}</table>")
    if pred_rows:
        P.append("<h2>Mechanism costs: measured against predicted</h2><p>Measured: the difference "
                 "of the two sides' median times. Predicted: each run's counters (captive "
                 "--stats-json) times the probe's cost per operation (exits on kvm: the MMIO and "
                 "port-I/O exit round trips; barrier: requests × a hand-off to a spinning thread "
                 "plus parks × a futex wake-up), B minus A. An axis whose mechanism the probe does "
                 "not measure (irq, mmu, exec) has no prediction. Where the two disagree by more "
                 "than 2× the row says so.</p><table><tr><th>axis</th><th>workload</th><th>A</th>"
                 "<th>B</th><th>measured s</th><th>predicted s</th><th></th></tr>")
        for axis, wl, a, b, meas, pred in pred_rows:
            flag = ""
            if pred is None or pred == 0 and abs(meas) < 1e-3:
                flag = "no prediction" if pred is None else ""
            elif pred == 0 or meas == 0 or not (0.5 <= meas / pred <= 2):
                flag = ("<b>disagree by more than 2×</b>: the counted operations do not explain "
                        "the difference (other costs: scheduling of the second thread, cache "
                        "effects, or noise)")
            P.append(f"<tr><td>{e(axis)}</td><td>{e(wl)}</td><td>{e(a)}</td><td>{e(b)}</td>"
                     f"<td>{meas:+.4f}</td><td>{'–' if pred is None else f'{pred:+.4f}'}</td>"
                     f"<td style='text-align:left'>{flag}</td></tr>")
        P.append("</table>")
    # auto
    auto_specs = [s for s in sides[1:] if os.path.basename(s.split(",")[0]).startswith("auto")]
    if auto_specs:
        P.append("<h2>auto</h2>")
        for s in auto_specs:
            ch = next((r.get("auto") for r in recs if r["side"] == s and r.get("auto")), None)
            if ch:
                P.append("<p>" + e(label[s]) + " resolved to: " + "; ".join(
                    f"<b>{e(k)} = {e(v['value'])}</b> ({e(v['reason'])})" for k, v in ch.items()) + "</p>")
            classes = {}
            for wl in wls:
                classes.setdefault(wl.split(":")[0] if ":" in wl else "compute", []).append(wl)
            P.append("<table><tr><th>class</th><th>workload</th><th>fastest</th><th>its interval</th>"
                     "<th>auto</th><th>within?</th></tr>")
            for cls, ws in classes.items():
                for wl in ws:
                    cand = [(an.stats[(x, wl)]["ratio"], x) for x in sides[1:]
                            if (x, wl) in an.stats and x not in auto_specs]
                    sa = an.stats.get((s, wl))
                    if not cand or not sa:
                        continue
                    _, fx = min(cand)
                    f = an.stats[(fx, wl)]
                    # at least as fast as the fastest other side, within noise
                    within = sa["ratio"] <= f["hi"]
                    why = "yes" if sa["ratio"] >= f["lo"] else "yes: faster than every other side"
                    if not within:
                        diff = [a for a in AXES if sides_meta.get(fx, {}).get("strategy", {}).get(a)
                                != (ch or {}).get(a, {}).get("value")]
                        why = ("<span class='bad'>no</span>: the fastest differs on " +
                               e(", ".join(diff) or "nothing (noise or order)") + "; auto's reasons: " +
                               e("; ".join((ch or {}).get(a, {}).get("reason", "") for a in diff)))
                    P.append(f"<tr><td>{e(cls)}</td><td>{e(wl)}</td><td>{e(label[fx])}</td>"
                             f"<td>{f['ratio']:.3f} [{f['lo']:.3f}, {f['hi']:.3f}]</td>"
                             f"<td>{sa['ratio']:.3f}</td><td style='text-align:left'>{why}</td></tr>")
            P.append("</table>")
    # counters
    P.append("<h2>Counters that explain the differences</h2><p>Medians over each side's runs "
             "(captive --stats-json).</p>")
    for wl in wls:
        cols = [s for s in sides[1:] if (s, wl) in an.stats]
        if not cols:
            continue
        cs = {s: an.counters(s, wl) for s in cols}
        P.append(f"<h3>{e(wl)}</h3><table><tr><th>counter</th>" +
                 "".join(f"<th>{e(label[s])}</th>" for s in cols) + "</tr>")
        for k in COUNTERS_SHOWN:
            if any(cs[s].get(k) for s in cols):
                P.append(f"<tr><td>{k}</td>" + "".join(f"<td>{int(cs[s].get(k, 0)):,}</td>" for s in cols) + "</tr>")
        P.append("</table>")
    # host
    P.append("<h2>Host</h2><table>" + "".join(
        f"<tr><td>{e(k)}</td><td style='text-align:left'>{e(str(v))}</td></tr>"
        for k, v in manifest.get("host", {}).items()) + "</table>")
    P.append(f"<h3>captive --probe</h3><pre>{e(probe_txt or 'not measured')}</pre>")
    per_round = {}
    for r in recs:
        per_round.setdefault((r["host"], r["round"]), []).append(r)
    P.append("<h3>Steal time and load, per round</h3><table><tr><th>host</th><th>round</th><th>runs</th>"
             "<th>steal (max over runs)</th><th>load average (max)</th></tr>")
    for (h, rnd), rs in sorted(per_round.items()):
        P.append(f"<tr><td>{e(h)}</td><td>{rnd}</td><td>{len(rs)}</td>"
                 f"<td>{max(x['steal'] for x in rs):.1%}</td><td>{max(x['load1'] for x in rs):.2f}</td></tr>")
    P.append("</table></body></html>")
    tmp = out_path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(P))
    os.replace(tmp, out_path)
    if png:
        tool = shutil.which("rsvg-convert")
        if not tool:
            print("ablate: --png: rsvg-convert not found (Debian: librsvg2-bin); no PNG written",
                  file=sys.stderr)
        else:
            pdir = os.path.join(os.path.dirname(out_path), "png")
            os.makedirs(pdir, exist_ok=True)
            for name, svg in svgs.items():
                if svg.startswith("<svg"):
                    subprocess.run([tool, "-o", os.path.join(pdir, re.sub(r"[^\w.-]", "_", name) + ".png")],
                                   input=svg.encode(), check=False)
    return an


def print_table(an, sides_meta, wls):
    label = {s["spec"]: s["label"] for s in sides_meta}
    print(f"{'workload':<20} {'side':<40} {'median s':>9} {'vs QEMU':>8}  {'95% interval':<17} verdict")
    for wl in wls:
        q = an.qemu_median(wl)
        print(f"{wl:<20} {'qemu-system-arm':<40} {q if q is None else round(q, 3):>9} {'1':>8}")
        for s in sides_meta:
            spec = s["spec"]
            if (spec, wl) in an.stats:
                st = an.stats[(spec, wl)]
                print(f"{'':<20} {label[spec]:<40} {st['median_s']:>9.3f} {st['ratio']:>8.3f}  "
                      f"[{st['lo']:.3f}, {st['hi']:.3f}]  {verdict(st)}")
            elif (spec, wl) in an.failed:
                st, msg = an.failed[(spec, wl)]
                print(f"{'':<20} {label[spec]:<40} {st:>9}  {msg[:70]}")
            elif s.get("skip"):
                print(f"{'':<20} {label[spec]:<40} {'skipped':>9}  {s['skip'][:70]}")


# ---- main --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sides", nargs="*", metavar="SIDE", help="CONFIG[,section.key=value...]")
    ap.add_argument("--dir", default="build/ablate/study", help="the study directory")
    ap.add_argument("--workloads", default=DEFAULT_WORKLOADS,
                    help=f"comma-separated (default {DEFAULT_WORKLOADS})")
    ap.add_argument("--factorial", metavar="AXIS,...",
                    help="add every combination of these axes' values on top of --base")
    ap.add_argument("--base", default="baseline-process", help="the config --factorial varies")
    ap.add_argument("--seed", type=int, help="round-order seed (default: random, printed)")
    ap.add_argument("--min-rounds", type=int, default=3)
    ap.add_argument("--max-rounds", type=int, default=10)
    ap.add_argument("--target", type=float, default=0.10,
                    help="stop when every 95%% interval is narrower than this fraction of its median")
    ap.add_argument("--budget", type=float, default=0, help="seconds of runs after which no new round starts")
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed per run")
    ap.add_argument("--no-twin", action="store_true",
                    help="skip kvm sides where KVM is unusable instead of running their process twin")
    ap.add_argument("--mech-dir", default="bench/build/mech")
    ap.add_argument("--bench-dir", default="bench/build")
    ap.add_argument("--images", default="build/images")
    ap.add_argument("--dtb", default="build/vexpress-a9.dtb")
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-arm"))
    ap.add_argument("--captive", default=os.environ.get("CAPTIVE", "build/captive"))
    ap.add_argument("--report", action="store_true", help="only (re)write the report of --dir")
    ap.add_argument("--merge", nargs="+", metavar="DIR", default=[],
                    help="with --report: also read these study directories (other hosts)")
    ap.add_argument("--png", action="store_true", help="also write the charts as PNG (rsvg-convert)")
    ap.add_argument("--emit-jobs", metavar="FILE",
                    help="write one shell command per (side, workload, round) and exit")
    ap.add_argument("--job", nargs=3, metavar=("SIDE", "WORKLOAD", "ROUND"),
                    help="run one job of an emitted list (appends to results-HOST)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    os.chdir(REPO)
    try:
        return run(args)
    except UsageError as e:
        print(f"ablate: {e}", file=sys.stderr)
        return 2


def run(args):
    if args.report:
        dirs = [args.dir] + args.merge
        for d in dirs:
            if not os.path.exists(os.path.join(d, "study.json")):
                raise UsageError(f"{d} is not a study (no study.json)")
        out = os.path.join(args.dir, "report.html")
        an = write_report(dirs, out, args.png)
        with open(os.path.join(args.dir, "study.json")) as f:
            m = json.load(f)
        print_table(an, m["sides_resolved"], m["study"]["workloads"])
        print(f"ablate: wrote {out}")
        return 0
    if args.min_rounds < 1 or args.max_rounds < args.min_rounds:
        raise UsageError("want 1 <= --min-rounds <= --max-rounds")
    if not os.access(args.captive, os.X_OK):
        raise UsageError(f"{args.captive} not built (make)")
    if not shutil.which(args.qemu):
        raise UsageError(f"{args.qemu} not found")
    linux = load_linux_harness()
    linux_available = sorted(f[:-3] for f in os.listdir("guest/workloads") if f.endswith(".sh"))
    specs = list(args.sides)
    if args.factorial:
        specs += factorial_sides(args.base, [a.strip() for a in args.factorial.split(",") if a.strip()])
    if not specs:
        specs = default_sides()
    if len(set(specs)) != len(specs):
        raise UsageError("a side is named twice")
    sides = [Side(QEMU)] + [Side(s) for s in specs]
    workloads = expand_workloads(args.workloads, args, linux_available)
    if any(w.kind == "linux" for w in workloads):
        for p in (os.path.join(args.images, "zImage"), args.dtb):
            if not os.path.isfile(p):
                raise UsageError(f"Linux workloads need {p} (make images; make)")
    kvm_reason = kvm_unusable_reason()
    seen = {}
    for s in sides[1:]:
        s.resolve(args.captive, kvm_reason, not args.no_twin)
        if not s.skip and "auto" not in s.tuple() and s.effective in seen:
            s.skip = f"same configuration as {seen[s.effective]} (not run twice)"
        elif not s.skip:
            seen.setdefault(s.effective, s.label)
    study = Study(args.dir)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2 ** 31)
    if args.seed is None and os.path.exists(study.manifest_path()):
        try:
            with open(study.manifest_path()) as f:
                seed = json.load(f)["study"]["seed"]   # resuming: keep the study's own seed
        except (OSError, ValueError, KeyError):
            pass
    params = {
        "tool": "captive-ablate", "version": ABLATE_VERSION,
        "captive": captive_version(args.captive),
        "host": host_description(),
        "kvm": kvm_reason or "usable",
        "study": {"sides": [s.spec for s in sides[1:]], "workloads": [w.name for w in workloads],
                  "seed": seed, "min_rounds": args.min_rounds, "max_rounds": args.max_rounds,
                  "target": args.target, "budget": args.budget, "timeout": args.timeout,
                  "twin": not args.no_twin, "mech_dir": args.mech_dir, "bench_dir": args.bench_dir},
        "sides_resolved": [{"spec": s.spec, "label": s.label, "sets": s.sets, "strategy": s.strategy,
                            "note": s.note, "skip": s.skip} for s in sides[1:]],
    }
    study.open(params, create=True)
    print(f"ablate: study {args.dir}: {len(sides) - 1} sides + QEMU, {len(workloads)} workloads, "
          f"seed {seed}", file=sys.stderr)
    for s in sides[1:]:
        if s.note or s.skip:
            print(f"ablate: {s.label}: {s.note or s.skip}", file=sys.stderr)
    if not os.path.exists(os.path.join(args.dir, "probe.json")):
        r = subprocess.run([args.captive, "--probe", "--stats-json", os.path.join(args.dir, "probe.json.tmp")],
                           capture_output=True, text=True)
        with open(os.path.join(args.dir, "probe.txt"), "w") as f:
            f.write(r.stdout)
        if r.returncode == 0:
            os.replace(os.path.join(args.dir, "probe.json.tmp"), os.path.join(args.dir, "probe.json"))
        else:
            print(f"ablate: captive --probe failed: {r.stderr.strip()}", file=sys.stderr)

    by_spec = {s.spec: s for s in sides}
    wl_by = {w.name: w for w in workloads}
    if args.emit_jobs:
        me = os.path.relpath(os.path.abspath(__file__), REPO)
        with open(args.emit_jobs, "w") as f:
            for rnd in range(1, args.min_rounds + 1):
                for w in workloads:
                    for spec in order_for(seed, rnd, w.name, [QEMU] + [s.spec for s in sides[1:] if not s.skip]):
                        f.write(f"cd {shlex_quote(REPO)} && {me} --dir {shlex_quote(os.path.abspath(args.dir))} "
                                f"--workloads {shlex_quote(args.workloads)} --seed {seed} "
                                f"--min-rounds {args.min_rounds} --max-rounds {args.max_rounds} "
                                f"{'--no-twin ' if args.no_twin else ''}--mech-dir {shlex_quote(args.mech_dir)} "
                                f"--job {shlex_quote(spec)} {shlex_quote(w.name)} {rnd} "
                                + " ".join(shlex_quote(s) for s in specs) + "\n")
        print(f"ablate: wrote {args.emit_jobs}: one job per line "
              f"(parallel -j1 < {args.emit_jobs}; or a Slurm array running line $SLURM_ARRAY_TASK_ID); "
              f"then {me} --report --dir {args.dir} [--merge DIR...]", file=sys.stderr)
        return 0
    if args.job:
        spec, wname, rnd = args.job[0], args.job[1], int(args.job[2])
        if spec not in by_spec or wname not in wl_by:
            raise UsageError(f"--job: side {spec!r} or workload {wname!r} is not in this study")
        recs = study.load_records()
        if any((r["side"], r["workload"], r["round"]) == (spec, wname, rnd) for r in recs):
            return 0
        pos = order_for(seed, rnd, wname, [QEMU] + [s.spec for s in sides[1:] if not s.skip]).index(spec) \
            if not by_spec[spec].skip else -1
        rec = run_one(study, by_spec[spec], wl_by[wname], rnd, pos, args, linux)
        return 0 if rec["status"] == "ok" else 1
    study_loop(study, sides, workloads, args, linux)
    out = os.path.join(args.dir, "report.html")
    an = write_report([args.dir], out, args.png)
    print_table(an, params["sides_resolved"], [w.name for w in workloads])
    print(f"ablate: wrote {out} and {study.results} (+ .csv)")
    bad = [k for k, (st, _) in an.failed.items() if st not in ("not-installed",)]
    return 1 if bad else 0


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


if __name__ == "__main__":
    sys.exit(main())
