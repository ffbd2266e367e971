#!/usr/bin/env bash
# The mechanism benchmarks (bench/mech/), built with a tiny iteration count,
# must print under captive exactly what they print under the reference QEMU
# (markers, iteration count, checksum), under every available backend, mmu
# and io x irq x exec strategy, as guest_programs.sh runs the guest programs. QEMU
# is the oracle: its output is taken fresh, never from a file of ours. This is
# a correctness check only; bench/mech/run.sh does the timing.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

qemu=${QEMU:-qemu-system-arm}
if ! command -v "$qemu" >/dev/null 2>&1; then
	skip "mech outputs: $qemu is not installed"
	exit 0
fi
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
	skip "mech outputs: arm-none-eabi-gcc is not installed"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 300 iterations: every program takes its mechanism a few hundred times (the
# code-layout ones run one whole pass at least) in a few milliseconds.
if ! make -s --no-print-directory -C bench mech MECH_ITERS=300 MECH_OUT="$tmp/mech" \
	>"$tmp/build.log" 2>&1; then
	fail "mech outputs: building the programs failed: $(tail -5 "$tmp/build.log" | tr '\n' ' ')"
	exit 1
fi

backends=$(usable_backends 2>/dev/null)
execs=$(usable_execs)
grep -q kvm <<<"$backends" || skip "mech outputs under kvm: $(kvm_unusable_reason)"
for elf in "$tmp"/mech/*.elf; do
	name=$(basename "$elf" .elf)
	QEMU_AUDIO_DRV=none timeout 60 "$qemu" -M vexpress-a9,secure=off -cpu cortex-a9,neon=off \
		-m 512 -nographic -kernel "$elf" </dev/null >"$tmp/$name.qemu" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] || ! grep -q '^mech end$' "$tmp/$name.qemu"; then
		fail "mech $name: the QEMU reference run failed (status $rc): $(tail -3 "$tmp/err" | tr '\n' ' ')"
		continue
	fi
	for b in $backends; do
	for m in $(installed_mmus); do
		for io in mmio-exit barrier; do
			for irq in per-insn per-block; do
				for ex in $execs; do
					combo="$b/$m/$io/$irq/$ex"
					timeout 60 "$CAPTIVE" -c configs/baseline.ini --set strategy.backend="$b" \
						--set strategy.mmu=$m --set strategy.io=$io --set strategy.irq=$irq \
						--set strategy.exec=$ex --timeout 30 \
						--kernel "$elf" </dev/null >"$tmp/out" 2>"$tmp/err"
					rc=$?
					if [ $rc -ne 0 ]; then
						fail "mech $name [$combo]: exit status $rc; stderr: $(tail -3 "$tmp/err" | tr '\n' ' ')"
					elif ! cmp -s "$tmp/out" "$tmp/$name.qemu"; then
						fail "mech $name [$combo]: output differs from QEMU's: $(diff "$tmp/$name.qemu" "$tmp/out" | head -5 | tr '\n' ' ')"
					else
						pass "mech $name [$combo]"
					fi
				done
			done
		done
	done
	done
done
