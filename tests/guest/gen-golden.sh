#!/bin/sh
# Regenerate the golden outputs of the guest test programs with the reference
# QEMU invocation (DESIGN.md): the exact bytes each program writes to UART0.
#
#   tests/guest/gen-golden.sh [-o OUTDIR] [PROGRAM...]
#
# Builds the programs first. OUTDIR defaults to tests/guest/golden; PROGRAM
# names default to every build/<name>.elf (the negative programs in
# build/neg/ never end on QEMU and have no golden). QEMU's stderr for each
# program goes to OUTDIR/<name>.log only when the run fails.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/golden"
timeout_s=${GOLDEN_TIMEOUT:-30}
qemu=${QEMU:-qemu-system-arm}

while getopts o: opt; do
	case $opt in
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-o OUTDIR] [PROGRAM...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

command -v "$qemu" >/dev/null 2>&1 || { echo "gen-golden: $qemu not found" >&2; exit 2; }
make -s --no-print-directory -C "$here" >&2
mkdir -p "$out"

if [ $# -eq 0 ]; then
	for elf in "$here"/build/*.elf; do
		[ -e "$elf" ] || continue
		set -- "$@" "$(basename "$elf" .elf)"
	done
fi

status=0
for prog in "$@"; do
	elf="$here/build/$prog.elf"
	if [ ! -f "$elf" ]; then
		echo "gen-golden: $elf: no such program" >&2
		status=1
		continue
	fi
	# No audio backend: vexpress has a PL041 and QEMU would probe ALSA.
	rc=0
	QEMU_AUDIO_DRV=none timeout -k 5 "$timeout_s" "$qemu" \
		-M vexpress-a9,secure=off -cpu cortex-a9,neon=off -m 512 \
		-nographic -kernel "$elf" \
		</dev/null >"$out/$prog.out.tmp" 2>"$out/$prog.log" || rc=$?
	if [ $rc -ne 0 ]; then
		if [ $rc -eq 124 ]; then
			echo "gen-golden: $prog: no power-off within ${timeout_s}s (see $out/$prog.log)" >&2
		else
			echo "gen-golden: $prog: qemu exited with $rc (see $out/$prog.log)" >&2
		fi
		rm -f "$out/$prog.out.tmp"
		status=1
		continue
	fi
	mv "$out/$prog.out.tmp" "$out/$prog.out"
	rm -f "$out/$prog.log"
done
exit $status
