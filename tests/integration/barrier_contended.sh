#!/usr/bin/env bash
# io=barrier on one host core: the engine and the barrier service thread
# pinned to the same CPU (taskset -c 0), so every hand-off waits for a thread
# the scheduler is not running. The engine must take its requests back and
# make them through MMIO exits (io_barrier_fallbacks > 0) and still print the
# QEMU golden output well inside a minute: before the fallback, isa.elf spun
# a scheduler time slice per UART access and took 256 s this way.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

elf=tests/guest/build/isa.elf
golden=tests/guest/golden/isa.out
[ -f "$elf" ] || { fail "barrier contended: $elf was not built"; exit 0; }
command -v taskset >/dev/null || { skip "barrier contended: no taskset (util-linux)"; exit 0; }
backends=$(usable_backends 2>/dev/null)
grep -q kvm <<<"$backends" || skip "barrier contended under kvm: $(kvm_unusable_reason)"
limit=$((60 * $(slow_factor)))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for b in $backends; do
	for ex in $(usable_execs); do
		name="barrier contended [$b/$ex]"
		timeout "$limit" taskset -c 0 "$CAPTIVE" -c configs/baseline.ini \
			--set strategy.backend="$b" --set strategy.exec="$ex" --set strategy.io=barrier \
			--kernel "$elf" --stats-json "$tmp/stats.json" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 0 ]; then
			fail "$name: exit status $rc (124: over ${limit} s): $(tail -2 "$tmp/err" | tr '\n' ' ')"
		elif ! cmp -s "$tmp/out" "$golden"; then
			fail "$name: output differs from QEMU's ($golden)"
		elif ! n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["io_barrier_fallbacks"])' "$tmp/stats.json") ||
		     [ "$n" -le 0 ]; then
			fail "$name: no request was taken back (io_barrier_fallbacks: ${n:-missing})"
		else
			pass "$name: golden output, $n accesses through exits"
		fi
	done
done
