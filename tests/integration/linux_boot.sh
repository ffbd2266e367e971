#!/usr/bin/env bash
# Debian's kernel boots under captive to init, runs two workloads (a script
# interpreter with floating point, and a compressor) whose output must match
# QEMU's golden output byte for byte, and powers off with status 0. Runs the
# baseline configuration on kvm (and on the process backend too when
# CAPTIVE_TEST_ALL=1, which also runs every io x irq x exec combination),
# the JIT on every usable backend, mmu=hwmirror on the process backend and
# configs/captive-full.ini itself (kvm + hwmirror + jit + barrier) on kvm.
# Bounded:
# a few minutes under the interpreter (400 s a side; 4x that for a sanitizer
# build, tests/lib.sh slow_factor).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

WORKLOADS=lua,bzip2
images=build/images

if ! command -v python3 >/dev/null 2>&1; then
	skip "linux under captive: python3 is not installed (the harness needs it)"
	exit 0
fi
for f in zImage initramfs.cpio.gz "$BUILD"/vexpress-a9.dtb; do
	[ -f "$f" ] || [ -f "$images/$f" ] && continue
	fail "linux under captive: $images/$f missing (make images)"
	exit 0
done

sides=()
if [ -z "$(kvm_unusable_reason)" ]; then
	sides+=(baseline)
else
	skip "linux under captive on kvm: $(kvm_unusable_reason)"
	sides+=(baseline:strategy.backend=process)
fi
# The JIT, wherever it is built: the fastest side here, and the one with
# the most to get wrong.
if grep -qw jit <<<"$(usable_execs)"; then
	for b in $(usable_backends); do
		sides+=("baseline:strategy.backend=$b:strategy.exec=jit:strategy.irq=per-block")
	done
fi
if [ -n "${CAPTIVE_TEST_ALL:-}" ]; then
	sides=()
	for b in $(usable_backends); do
		for io in mmio-exit barrier; do
			for irq in per-insn per-block; do
				for ex in $(usable_execs); do
					sides+=("baseline:strategy.backend=$b:strategy.io=$io:strategy.irq=$irq:strategy.exec=$ex")
				done
			done
		done
	done
fi
# mmu=hwmirror, always: on process with both execs, and the paper's system
# as configs/captive-full.ini has it on kvm.
if [ -f "$BUILD/plugins/mmu-hwmirror.so" ]; then
	sides+=(baseline:strategy.backend=process:strategy.mmu=hwmirror)
	if grep -qw jit <<<"$(usable_execs)"; then
		# captive-full's process twin (issue 9's target configuration)
		sides+=(captive-full:strategy.backend=process:strategy.io=mmio-exit)
		if [ -z "$(kvm_unusable_reason)" ]; then
			sides+=(captive-full)
		else
			skip "linux under configs/captive-full.ini: $(kvm_unusable_reason)"
		fi
	fi
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for side in "${sides[@]}"; do
	python3 bench/linux/run.py --runs 1 --timeout $((400 * $(slow_factor))) \
		--workloads $WORKLOADS --no-disk \
		--captive "$CAPTIVE" --dtb "$BUILD/vexpress-a9.dtb" \
		--out "$out" "$side" >"$out/table" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		boot=$(awk '$1 == "boot-to-init" { print $2 }' "$out/table")
		pass "linux under captive [$side]: init reached in ${boot}s; $WORKLOADS match QEMU's golden output"
	else
		fail "linux under captive [$side]: $(grep -E '^failed:|differs' "$out/table" | head -3 | tr '\n' ' ')"
		sed 's/^/    /' "$out/table"
	fi
done
