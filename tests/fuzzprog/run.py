#!/usr/bin/env python3
"""Random-program differential fuzzing: QEMU against every captive engine build.

    tests/fuzzprog/run.py [-n N] [--seed S] [--seeds-file FILE] [--out DIR]

Each program (gen.py, from its seed) is assembled and linked with the runtime
of this folder, then run under the reference QEMU (DESIGN.md's invocation)
and under captive with every mmu x exec engine pair built in
build/engine/process/ (the process backend, irq per-block: the programs mask
interrupts, and the exec strategies then run their longest blocks). The UART transcript is the
state log: the runtime dumps the registers, CPSR, SPSR, fault status and a
checksum of the writable memory at every exception entry and at the end.
Every captive transcript must equal QEMU's byte for byte, and every run must
end with the program's END dump and exit status 0.

Without QEMU the pairs are compared with each other only (said loudly).
A program that differs is kept, with every transcript and a diff, in
DIR/fail-<seed>/; the last line is a summary, the exit status 1 on any
difference, 2 on bad usage or a missing tool.

Seeds: --seed S runs S, S+1, ..., S+N-1 (default: a random S, printed);
--seeds-file runs the seeds listed in a file (one per line, '#' comments),
as tests/integration/fuzz_programs.sh does with tests/fuzzprog/regress.txt.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import gen  # noqa: E402

CROSS = "arm-none-eabi-"
ARCH_FLAGS = ["-mcpu=cortex-a9", "-marm", "-mfloat-abi=soft"]
QEMU_ARGS = ["-M", "vexpress-a9,secure=off", "-cpu", "cortex-a9,neon=off", "-m", "512",
             "-nographic", "-no-reboot"]
KINDS = ("UND", "SVC", "PABT", "DABT", "END")


def log(msg):
    print(msg, flush=True)


def build_runtime(objdir):
    """Compile rt.S and fprt.c once (again when a source is newer)."""
    os.makedirs(objdir, exist_ok=True)
    objs = []
    for src, extra in (("rt.S", []), ("fprt.c", ["-O2", "-std=gnu11", "-Wall", "-Wextra",
                                                 "-Werror", "-ffreestanding", "-fno-builtin",
                                                 "-I" + os.path.join(REPO, "tests", "guest", "rt")])):
        path = os.path.join(HERE, src)
        obj = os.path.join(objdir, os.path.splitext(src)[0] + ".o")
        deps = [path, os.path.join(HERE, "fprt.h"),
                os.path.join(REPO, "tests", "guest", "rt", "armv7_pt.h")]
        if not os.path.exists(obj) or any(os.path.getmtime(d) > os.path.getmtime(obj) for d in deps):
            subprocess.run([CROSS + "gcc", *ARCH_FLAGS, *extra, "-c", path, "-o", obj],
                           check=True)
        objs.append(obj)
    return objs


def build_program(seed, workdir, rt_objs, libgcc):
    src = os.path.join(workdir, "prog.S")
    obj = os.path.join(workdir, "prog.o")
    elf = os.path.join(workdir, "prog.elf")
    with open(src, "w") as f:
        f.write(gen.Gen(seed).program())
    r = subprocess.run([CROSS + "gcc", *ARCH_FLAGS, "-Wa,-mno-warn-deprecated", "-Wa,--fatal-warnings", "-c", src,
                        "-o", obj], capture_output=True, text=True)
    if r.returncode == 0:
        r = subprocess.run([CROSS + "gcc", *ARCH_FLAGS, "-nostdlib", "-static",
                            "-Wl,-T," + os.path.join(HERE, "fuzzprog.ld"), "-Wl,--build-id=none",
                            "-Wl,-z,noexecstack", "-Wl,--no-warn-rwx-segments", "-o", elf,
                            rt_objs[0], obj, rt_objs[1], libgcc],
                           capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stdout + r.stderr
    return elf, ""


def run_side(cmd, timeout):
    """Run one side; return (transcript bytes, exit status, stderr text)."""
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout, env=env, cwd=REPO)
        return r.stdout, r.returncode, r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        return e.stdout or b"", "timeout", (e.stderr or b"").decode(errors="replace")


def engine_pairs(build):
    """Every hosted engine build: (mmu, exec) from build/engine/process/MMU-EXEC.so."""
    pairs = []
    for so in sorted(glob.glob(os.path.join(build, "engine", "process", "*.so"))):
        name = os.path.basename(so)[:-3]
        if "-" in name:
            pairs.append(tuple(name.split("-", 1)))
    return pairs


def first_difference(a, b):
    la, lb = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}: {x.strip()!r} vs {y.strip()!r}"
    if len(la) != len(lb):
        return f"line {min(len(la), len(lb)) + 1}: one transcript ends ({len(la)} vs {len(lb)} lines)"
    return "same lines, different bytes"


def complete(out):
    """Whether the transcript ends with the END dump (three lines)."""
    lines = out.decode(errors="replace").split("\n")
    return len(lines) >= 4 and lines[-1] == "" and lines[-4].startswith("END pc=") \
        and " sum=" in lines[-2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--count", type=int, default=100, help="programs to run (default 100)")
    ap.add_argument("--seed", type=int, help="first seed (default: random, printed)")
    ap.add_argument("--seeds-file", help="run the seeds listed in this file instead")
    ap.add_argument("--out", default=os.path.join(REPO, "build", "fuzzprog"),
                    help="work and failure directory (default build/fuzzprog)")
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"),
                    help="captive build directory (default build)")
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--timeout", type=float, default=30, help="seconds per run")
    ap.add_argument("--test-lines", action="store_true",
                    help="print PASS:/FAIL:/SKIP: lines (tests/run.sh's format)")
    args = ap.parse_args()

    build = os.path.join(REPO, args.build)
    captive = os.path.join(build, "captive")
    if shutil.which(CROSS + "gcc") is None:
        print(f"fuzz-programs: {CROSS}gcc is not installed (make deps)", file=sys.stderr)
        return 2
    if not os.access(captive, os.X_OK):
        print(f"fuzz-programs: no {captive} (run make)", file=sys.stderr)
        return 2
    pairs = engine_pairs(build)
    if not pairs:
        print(f"fuzz-programs: no engine builds in {build}/engine/process (run make)",
              file=sys.stderr)
        return 2
    have_qemu = shutil.which(args.qemu) is not None

    if args.seeds_file:
        seeds = []
        with open(args.seeds_file) as f:
            for line in f:
                word = line.split("#", 1)[0].strip()
                if word:
                    seeds.append(int(word))
        what = f"{len(seeds)} seeds from {os.path.relpath(args.seeds_file, REPO)}"
    else:
        first = args.seed if args.seed is not None else int.from_bytes(os.urandom(3), "little")
        seeds = list(range(first, first + args.count))
        what = f"N={args.count} SEED={first}"
    names = [f"{m}-{e}" for m, e in pairs]
    log(f"fuzz-programs: {what}; engine pairs: {' '.join(names)}; oracle: "
        f"{'QEMU' if have_qemu else 'none (pairs compared with each other)'}")
    if not have_qemu:
        msg = (f"{args.qemu} is not installed: the captive pairs are compared with each other "
               "only, not with the reference")
        log(f"SKIP: fuzz_programs: {msg}" if args.test_lines else f"fuzz-programs: WARNING: {msg}")

    os.makedirs(args.out, exist_ok=True)
    rt_objs = build_runtime(os.path.join(args.out, "obj"))
    libgcc = subprocess.run([CROSS + "gcc", *ARCH_FLAGS, "-print-libgcc-file-name"],
                            capture_output=True, text=True, check=True).stdout.strip()
    work = os.path.join(args.out, "work")

    started = time.monotonic()
    failed = []
    dumps = 0
    kinds = {k: 0 for k in KINDS}
    for seed in seeds:
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        elf, err = build_program(seed, work, rt_objs, libgcc)
        sides = {}
        problems = []
        if elf is None:
            problems.append("does not assemble: " + err.strip().splitlines()[-1])
        else:
            if have_qemu:
                sides["qemu"] = run_side([args.qemu, *QEMU_ARGS, "-kernel", elf], args.timeout)
            for (m, e), name in zip(pairs, names):
                sides[name] = run_side(
                    # per-block: the programs mask interrupts, and the exec
                    # strategies run their longest blocks (a JIT's real ones)
                    [captive, "-c", "configs/baseline.ini", "--set", "strategy.backend=process",
                     "--set", "strategy.irq=per-block",
                     "--set", f"strategy.mmu={m}", "--set", f"strategy.exec={e}",
                     "--timeout", str(int(args.timeout)), "--kernel", elf], args.timeout + 10)
            ref_name = "qemu" if have_qemu else names[0]
            ref = sides[ref_name][0]
            for name, (out, rc, stderr) in sides.items():
                if rc != 0:
                    tail = " | ".join(l for l in stderr.strip().splitlines()[-2:])
                    problems.append(f"{name} exited with status {rc}" + (f": {tail}" if tail else ""))
                elif not complete(out):
                    problems.append(f"{name}: the transcript has no END dump")
                if name != ref_name and out != ref:
                    problems.append(f"{name} differs from {ref_name}: {first_difference(ref, out)}")
            for line in ref.decode(errors="replace").splitlines():
                word = line.split(" ", 1)[0]
                if word in kinds:
                    kinds[word] += 1
                    dumps += 1
        if problems:
            faildir = os.path.join(args.out, f"fail-{seed}")
            shutil.rmtree(faildir, ignore_errors=True)
            shutil.copytree(work, faildir)
            for name, (out, rc, stderr) in sides.items():
                with open(os.path.join(faildir, name + ".txt"), "wb") as f:
                    f.write(out)
                with open(os.path.join(faildir, name + ".stderr"), "w") as f:
                    f.write(f"exit status: {rc}\n{stderr}")
            with open(os.path.join(faildir, "problems.txt"), "w") as f:
                f.write("\n".join(problems) + "\n")
            failed.append(seed)
            rel = os.path.relpath(faildir, REPO)
            log(f"{'FAIL: fuzz_programs' if args.test_lines else 'DIFF'} seed {seed}: "
                f"{problems[0]} (kept in {rel})")
            for p in problems[1:4]:
                log(f"    {p}")
        elif args.test_lines:
            log(f"PASS: fuzz_programs seed {seed}: {len(sides)} sides agree")
    shutil.rmtree(work, ignore_errors=True)

    took = time.monotonic() - started
    detail = ", ".join(f"{kinds[k]} {k}" for k in KINDS)
    log(f"fuzz-programs: {len(seeds)} programs x {len(pairs)} engine pair(s)"
        f"{' + QEMU' if have_qemu else ''} in {took:.1f} s; {dumps} state dumps compared "
        f"({detail}); {len(failed)} differing"
        + (f": seeds {' '.join(map(str, failed))} "
           f"({os.path.relpath(args.out, REPO)}/fail-SEED/)" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
