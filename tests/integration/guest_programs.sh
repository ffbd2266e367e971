#!/usr/bin/env bash
# Every guest program with a QEMU golden output, under every available
# strategy combination (backend x mmu x exec x irq; io barrier with softtlb,
# under both exec strategies, io being independent of the mmu), must print
# exactly the golden output and exit 0 (guest powered off).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

backends=$(usable_backends 2>/dev/null)
execs=$(usable_execs)
grep -q kvm <<<"$backends" || skip "guest programs under kvm: $(kvm_unusable_reason)"
mmus=$(installed_mmus)
# a sanitizer build runs the interpreter several times slower (tests/lib.sh)
slow=$(slow_factor)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for golden in tests/guest/golden/*.out; do
	name=$(basename "$golden" .out)
	elf=tests/guest/build/$name.elf
	if [ ! -f "$elf" ]; then
		fail "$name: $elf was not built"
		continue
	fi
	for b in $backends; do
	for m in $mmus; do
		for io in mmio-exit barrier; do
			for irq in per-insn per-block; do
				for ex in $execs; do
					[ $io = mmio-exit ] || [ "$m" = softtlb ] || continue
					combo="$b/$m/$io/$irq/$ex"
					timeout $((120 * slow)) "$CAPTIVE" -c configs/baseline.ini \
						--set strategy.backend=$b --set strategy.mmu=$m --set strategy.io=$io \
						--set strategy.irq=$irq --set strategy.exec=$ex --timeout $((60 * slow)) \
						--kernel "$elf" >"$out" 2>"$out.err"
					rc=$?
					if [ $rc -ne 0 ]; then
						fail "$name [$combo]: exit status $rc; stderr: $(tail -3 "$out.err" | tr '\n' ' ')"
					elif ! cmp -s "$out" "$golden"; then
						fail "$name [$combo]: output differs from QEMU's golden: $(diff "$golden" "$out" | head -5 | tr '\n' ' ')"
					else
						pass "$name [$combo]"
					fi
					rm -f "$out.err"
				done
			done
		done
	done
	done
done
