#!/bin/sh
# The committed golden outputs of the guest test programs must match what the
# reference QEMU produces now: regenerate every golden into a temporary
# directory and compare byte for byte. One PASS/FAIL line per program; exit
# non-zero if any differs. Prints a SKIP line and exits 0 when QEMU or the
# ARM cross-compiler is missing.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
guest="$root/tests/guest"
qemu=${QEMU:-qemu-system-arm}

if ! command -v "$qemu" >/dev/null 2>&1; then
	echo "SKIP guest_golden: $qemu is not installed"
	exit 0
fi
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
	echo "SKIP guest_golden: arm-none-eabi-gcc is not installed"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$guest/gen-golden.sh" -o "$tmp" >"$tmp/gen.log" 2>&1
gen_rc=$?

fail=0
for golden in "$guest"/golden/*.out; do
	[ -e "$golden" ] || continue
	prog=$(basename "$golden" .out)
	if [ ! -f "$tmp/$prog.out" ]; then
		echo "FAIL guest_golden $prog: no output from QEMU"
		[ -f "$tmp/$prog.log" ] && sed 's/^/    /' "$tmp/$prog.log" | head -n 20
		fail=1
	elif cmp -s "$golden" "$tmp/$prog.out"; then
		echo "PASS guest_golden $prog"
	else
		echo "FAIL guest_golden $prog: output differs from $golden"
		diff "$golden" "$tmp/$prog.out" | head -n 20 | sed 's/^/    /'
		fail=1
	fi
done

# A program built without a committed golden is untested: say so.
for out in "$tmp"/*.out; do
	[ -e "$out" ] || continue
	prog=$(basename "$out" .out)
	if [ ! -f "$guest/golden/$prog.out" ]; then
		echo "FAIL guest_golden $prog: no committed golden (run tests/guest/gen-golden.sh)"
		fail=1
	fi
done

if [ $gen_rc -ne 0 ] && [ $fail -eq 0 ]; then
	echo "FAIL guest_golden: gen-golden.sh failed"
	sed 's/^/    /' "$tmp/gen.log" | head -n 20
	fail=1
fi
exit $fail
