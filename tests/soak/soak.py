#!/usr/bin/env python3
"""Soak: one Linux boot per configuration runs the workloads N times.

    tests/soak/soak.py [-n N] [--workloads LIST] [--config SPEC ...] [--out DIR]

For each configuration (default: every hosted engine build, mmu x exec, with
each io strategy, on the process backend; the kvm backend too when /dev/kvm
is usable, else a SKIP line) captive boots Debian's kernel and initramfs of
`make images` once, with a fresh copy of the disk, and the guest's init runs
the workloads N times (captive.repeat=N, guest/init). Every workload's output
of every pass must equal QEMU's golden output (guest/golden/NAME.out).

After boot and after each pass (the guest's @@PASS marker) the harness
samples captive's /proc/PID/status (VmRSS and its parts RssAnon, RssFile,
RssShmem) and counts /proc/PID/fd; the engine's counters (--stats-json) are
read when the guest powers off. One CSV row per sample goes to
DIR/soak.csv, the counters to DIR/stats-CONFIG.json, consoles to
DIR/console-CONFIG.log.

Flat, after the first pass (pass 1 warms every cache and the guest's page
cache): from pass 1 to every later pass, captive's own memory (VmRSS minus
RssShmem: the guest's RAM is a shared memfd, RssShmem counts the guest pages
touched so far and is bounded by -m) grows by at most --tolerance-mib (4 MiB)
or --tolerance-pct (5 %), whichever is larger, and the number of open
descriptors does not change. VmRSS itself is printed too.

The JIT's code cache (its read-write-execute anonymous mapping, 256 MiB,
plat_code_alloc) is counted out of captive's own memory and shown in a
column of its own (code MiB, resident bytes from /proc/PID/smaps): it is a
cache that fills as code is translated (code at new physical addresses is
translated anew: pages the guest's page cache dropped and read back, a new
process's private pages) and is emptied whole when full, so until then it
grows from pass to pass by design; its bound is its mapping's size, which
is checked instead.

Exit status: 0 every output matched and everything stayed flat; 1 an output
differed, a run failed, or something grew; 2 bad usage or missing images.
"""
import argparse
import csv
import glob
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
STATUS_KEYS = ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmSize", "Threads")


def log(msg):
    print(msg, flush=True)


def kvm_unusable(build):
    if not os.path.exists("/dev/kvm"):
        return "/dev/kvm does not exist"
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError as e:
        return f"/dev/kvm cannot be opened ({e.strerror})"
    if not glob.glob(os.path.join(build, "engine", "kvm", "*.elf")):
        return f"no bare-metal engine build in {build}/engine/kvm"
    return None


def default_configs(build):
    backends = ["process"] + ([] if kvm_unusable(build) else ["kvm"])
    pairs = []
    for so in sorted(glob.glob(os.path.join(build, "engine", "process", "*.so"))):
        name = os.path.basename(so)[:-3]
        if "-" in name:
            pairs.append(name.split("-", 1))
    return [f"{b}:{m}:{e}:{io}" for b in backends for m, e in pairs
            for io in ("mmio-exit", "barrier")]


def sample(pid):
    """captive's memory (kB) and open descriptors, from /proc; code_kB and
    code_size_kB: the JIT code cache's resident and mapped size (its
    anonymous rwx mappings)."""
    s = {"code_kB": 0, "code_size_kB": 0}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in STATUS_KEYS:
                s[key] = int(rest.split()[0])
    in_code = False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5:
                in_code = fields[1] == "rwxp" and len(fields) == 5
            elif in_code and fields[0] in ("Rss:", "Size:"):
                s["code_kB" if fields[0] == "Rss:" else "code_size_kB"] += int(fields[1])
    s["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return s


def own_kb(s):
    """captive's own memory: resident, less the guest's RAM and the code cache."""
    return s.get("VmRSS", 0) - s.get("RssShmem", 0) - s.get("code_kB", 0)


class Boot:
    """One boot of one configuration: the console parsed as it arrives."""

    def __init__(self, config, args, workloads, outdir):
        self.config = config
        self.args = args
        self.workloads = workloads
        self.safe = config.replace(":", "-")
        self.samples = []      # (pass, seconds since launch, sample dict)
        self.errors = []
        self.outputs = {}      # (pass, workload) -> text
        self.stats_path = os.path.join(outdir, f"stats-{self.safe}.json")
        self.log_path = os.path.join(outdir, f"console-{self.safe}.log")

    def command(self, disk):
        a = self.args
        backend, mmu, exe, io = self.config.split(":")
        img = a.images
        append = (f"console=ttyAMA0 quiet captive.workload={','.join(self.workloads)} "
                  f"captive.repeat={a.count}")
        return [os.path.join(a.build, "captive"), "-c", "configs/baseline.ini",
                "--set", f"strategy.backend={backend}", "--set", f"strategy.mmu={mmu}",
                "--set", f"strategy.exec={exe}", "--set", f"strategy.io={io}",
                "--kernel", os.path.join(img, "zImage"), "--dtb", a.dtb,
                "--initrd", os.path.join(img, "initramfs.cpio.gz"), "--disk", disk,
                "-m", "512M", "--append", append, "--stats-json", self.stats_path]

    def line(self, text, now, proc):
        if text == "@@INIT":
            self.samples.append((0, now - self.launch, sample(proc.pid)))
        elif text.startswith("@@START "):
            self.current = text.split()[1]
            self.lines = []
        elif text.startswith("@@END "):
            parts = text.split()
            if len(parts) > 2 and parts[2] != "0":
                self.errors.append(f"pass {self.passno}: workload {parts[1]} ended with "
                                   f"status {parts[2]}")
            self.outputs[(self.passno, parts[1])] = "".join(l + "\n" for l in self.lines)
            self.current = None
        elif text.startswith("@@PASS "):
            self.samples.append((self.passno, now - self.launch, sample(proc.pid)))
            log(f"  {self.config}: pass {self.passno}/{self.args.count} done at "
                f"{now - self.launch:.0f} s, VmRSS {self.samples[-1][2].get('VmRSS', 0) // 1024} MiB, "
                f"{self.samples[-1][2]['fds']} fds")
            self.passno += 1
        elif self.current:
            self.lines.append(text)

    def run(self):
        tmp = tempfile.mkdtemp(prefix="captive-soak-")
        disk = os.path.join(tmp, "disk.ext4")
        shutil.copyfile(os.path.join(self.args.images, "disk.ext4"), disk)
        self.current, self.lines, self.passno = None, [], 1
        cmd = self.command(disk)
        self.launch = time.monotonic()
        deadline = self.launch + self.args.timeout
        with open(self.log_path, "wb") as logf, open(self.log_path + ".stderr", "wb") as errf:
            logf.write(("# " + " ".join(cmd) + "\n").encode())
            proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=errf, start_new_session=True)
            pending = b""
            try:
                with selectors.DefaultSelector() as sel:
                    sel.register(proc.stdout, selectors.EVENT_READ)
                    while True:
                        if time.monotonic() > deadline:
                            self.errors.append(f"timed out after {self.args.timeout:.0f} s "
                                               f"(in pass {self.passno})")
                            break
                        if not sel.select(timeout=1.0):
                            continue
                        chunk = os.read(proc.stdout.fileno(), 65536)
                        if not chunk:
                            break
                        logf.write(chunk)
                        logf.flush()
                        pending += chunk
                        *lines, pending = pending.split(b"\n")
                        for raw in lines:
                            self.line(raw.decode("utf-8", "replace").rstrip("\r"),
                                      time.monotonic(), proc)
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                rc = proc.wait()
                proc.stdout.close()
                shutil.rmtree(tmp, ignore_errors=True)
        if rc != 0 and not self.errors:
            self.errors.append(f"captive exited with status {rc} (see {self.log_path}.stderr)")
        if self.passno <= self.args.count and not self.errors:
            self.errors.append(f"only {self.passno - 1} of {self.args.count} passes ran")
        self.check_outputs()

    def check_outputs(self):
        for p in range(1, self.passno):
            for w in self.workloads:
                out = self.outputs.get((p, w))
                golden = os.path.join(REPO, "guest", "golden", w + ".out")
                if out is None:
                    self.errors.append(f"pass {p}: workload {w} did not run")
                elif os.path.isfile(golden):
                    with open(golden) as f:
                        if f.read() != out:
                            self.errors.append(f"pass {p}: {w} output differs from "
                                               f"guest/golden/{w}.out")
                elif out != self.outputs.get((1, w)):
                    self.errors.append(f"pass {p}: {w} output differs from pass 1's")

    def growth(self, tol_mib, tol_pct):
        """Why this boot is not flat after pass 1, or None."""
        passes = [(p, s) for p, _, s in self.samples if p >= 1]
        if len(passes) < 2:
            return None
        base = passes[0][1]
        own = own_kb(base)
        limit = max(tol_mib * 1024, own * tol_pct / 100)
        why = []
        for p, s in [(p, s) for p, _, s in self.samples]:
            if s["code_kB"] > s["code_size_kB"]:
                why.append(f"pass {p}: code cache resident {s['code_kB']} kB, more than "
                           f"its mapping's {s['code_size_kB']} kB")
        for p, s in passes[1:]:
            grew = own_kb(s) - own
            if grew > limit:
                why.append(f"pass {p}: captive's own memory grew {grew} kB since pass 1 "
                           f"(limit {limit:.0f} kB)")
            if s["fds"] != base["fds"]:
                why.append(f"pass {p}: {s['fds']} open descriptors, {base['fds']} after pass 1")
        return "; ".join(why) or None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--count", type=int, default=3, help="passes per boot (default 3)")
    ap.add_argument("--workloads", default="all",
                    help="comma-separated names from guest/workloads/ (default: all)")
    ap.add_argument("--config", action="append", metavar="BACKEND:MMU:EXEC:IO",
                    help="a configuration (repeatable; default: every available one)")
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--images", default="build/images")
    ap.add_argument("--out", default=None, help="default BUILD/soak")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per boot (default 300 + 600 per pass)")
    ap.add_argument("--tolerance-mib", type=float, default=4)
    ap.add_argument("--tolerance-pct", type=float, default=5)
    args = ap.parse_args()
    os.chdir(REPO)
    args.build = os.path.normpath(args.build)
    args.dtb = os.path.join(args.build, "vexpress-a9.dtb")
    args.out = args.out or os.path.join(args.build, "soak")
    if args.timeout is None:
        args.timeout = 300 + 600 * args.count
    if args.count < 1:
        print("soak: -n must be at least 1", file=sys.stderr)
        return 2
    for path in (os.path.join(args.images, "zImage"), os.path.join(args.images, "initramfs.cpio.gz"),
                 os.path.join(args.images, "disk.ext4"), args.dtb,
                 os.path.join(args.build, "captive")):
        if not os.path.isfile(path):
            print(f"soak: {path} is missing (make all images)", file=sys.stderr)
            return 2
    available = sorted(f[:-3] for f in os.listdir("guest/workloads") if f.endswith(".sh"))
    workloads = available if args.workloads == "all" else args.workloads.split(",")
    unknown = [w for w in workloads if w not in available]
    if unknown:
        print(f"soak: unknown workload(s) {', '.join(unknown)}; have: {', '.join(available)}",
              file=sys.stderr)
        return 2
    configs = args.config or default_configs(args.build)
    why_not_kvm = kvm_unusable(args.build)
    if why_not_kvm and not args.config:
        log(f"SKIP: soak on kvm: {why_not_kvm}")
    os.makedirs(args.out, exist_ok=True)
    log(f"soak: N={args.count}, workloads {','.join(workloads)}, configurations: {' '.join(configs)}")

    boots = []
    for config in configs:
        log(f"soak: {config}: booting ...")
        b = Boot(config, args, workloads, args.out)
        b.run()
        boots.append(b)
        for e in b.errors[:5]:
            log(f"  {config}: FAILED: {e}")

    with open(os.path.join(args.out, "soak.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["config", "pass", "seconds", "VmRSS_kB", "RssAnon_kB", "RssFile_kB",
                    "RssShmem_kB", "code_kB", "own_kB", "fds", "threads", "VmSize_kB"])
        for b in boots:
            for p, t, s in b.samples:
                w.writerow([b.config, p, f"{t:.1f}", s.get("VmRSS"), s.get("RssAnon"),
                            s.get("RssFile"), s.get("RssShmem"), s["code_kB"], own_kb(s), s["fds"],
                            s.get("Threads"), s.get("VmSize")])

    # The curve: one row per sample (pass 0 = init reached).
    log("")
    log(f"{'configuration':<36} {'pass':>4} {'time s':>7} {'VmRSS MiB':>9} {'own MiB':>8} "
        f"{'guest MiB':>9} {'code MiB':>8} {'fds':>4} {'thr':>4}")
    status = 0
    for b in boots:
        for p, t, s in b.samples:
            log(f"{b.config:<36} {p:>4} {t:>7.0f} {s.get('VmRSS', 0) / 1024:>9.1f} "
                f"{own_kb(s) / 1024:>8.1f} {s.get('RssShmem', 0) / 1024:>9.1f} "
                f"{s['code_kB'] / 1024:>8.1f} {s['fds']:>4} {s.get('Threads', 0):>4}")
        growth = b.growth(args.tolerance_mib, args.tolerance_pct)
        counters = ""
        if os.path.isfile(b.stats_path):
            with open(b.stats_path) as f:
                c = json.load(f).get("counters", {})
            counters = (f"; at power-off: {c.get('insns', 0) / 1e9:.1f} G insns, "
                        f"{c.get('decode_cache_misses', 0)} decode-cache misses, "
                        f"{c.get('tlb_misses', 0)} TLB misses, "
                        f"{c.get('code_invalidations', 0)} code invalidations, "
                        f"{c.get('jit_blocks', 0)} blocks translated, "
                        f"{c.get('code_flushes', 0)} code-cache flushes")
        if b.errors or growth:
            status = 1
            log(f"FAIL: soak {b.config}: {'; '.join(b.errors[:3] + ([growth] if growth else []))}")
        else:
            log(f"PASS: soak {b.config}: {args.count} passes, outputs equal to QEMU's every pass, "
                f"flat after pass 1 (own memory within max({args.tolerance_mib:g} MiB, "
                f"{args.tolerance_pct:g} %), descriptors constant, code cache within its "
                f"mapping){counters}")
    log(f"soak: CSV in {os.path.join(args.out, 'soak.csv')}")
    return status


if __name__ == "__main__":
    sys.exit(main())
