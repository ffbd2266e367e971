#!/bin/sh
# Side-by-side timing of a bare-metal guest program under qemu-system-arm (the
# reference, DESIGN.md's invocation) and under captive with each config given.
#
#   bench/run.sh [-n RUNS] [-k KERNEL] [-t TIMEOUT] [CONFIG...]
#
# CONFIG is a path or a name under configs/ (baseline, captive-full.ini, ...);
# the default is every configs/*.ini. Each side runs RUNS times (default 3),
# one run at a time, never two at once. Reported per side: the median wall
# time, its ratio to QEMU's median (above 1 means slower than QEMU), guest
# MIPS where captive's --stats-json gives "insns", and whether the console
# output matched QEMU's byte for byte.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
runs=3
kernel="$root/bench/build/compute.elf"
timeout_s=600
qemu=$bench_qemu
captive=${CAPTIVE:-$root/build/captive}

usage() {
	echo "usage: $0 [-n RUNS] [-k KERNEL] [-t TIMEOUT] [CONFIG...]" >&2
	exit 2
}

while getopts n:k:t:h opt; do
	case $opt in
	n) runs=$OPTARG ;;
	k) kernel=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))

case $runs in
'' | *[!0-9]* | 0) echo "bench: -n wants a positive number of runs, got '$runs'" >&2; exit 2 ;;
esac
[ -f "$kernel" ] || { echo "bench: kernel $kernel not found (make -C bench)" >&2; exit 2; }
command -v "$qemu" >/dev/null 2>&1 || { echo "bench: $qemu not found" >&2; exit 2; }

if [ $# -eq 0 ]; then
	for c in "$root"/configs/*.ini; do
		[ -e "$c" ] && set -- "$@" "$c"
	done
fi
configs=
for c in "$@"; do
	path=$(bench_config "$c") || exit 2
	configs="$configs $path"
done
if [ -n "$configs" ] && [ ! -x "$captive" ]; then
	echo "bench: $captive not built (make)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

now() {
	date +%s.%N
}

# run_side NAME OUTFILE COMMAND...: RUNS timed runs; writes the times to
# $tmp/NAME.times and the first run's console output to OUTFILE. Returns
# non-zero if any run failed.
run_side() {
	name=$1
	outfile=$2
	shift 2
	: >"$tmp/$name.times"
	i=1
	while [ "$i" -le "$runs" ]; do
		t0=$(now)
		rc=0
		timeout -k 5 "$timeout_s" "$@" </dev/null >"$tmp/$name.run.out" 2>"$tmp/$name.run.err" || rc=$?
		t1=$(now)
		if [ $rc -ne 0 ]; then
			echo "bench: $name run $i exited with $rc" >&2
			tail -n 5 "$tmp/$name.run.err" | sed 's/^/    /' >&2
			return 1
		fi
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$tmp/$name.times"
		[ "$i" -eq 1 ] && cp "$tmp/$name.run.out" "$outfile"
		i=$((i + 1))
	done
	return 0
}

printf '%-24s %10s %9s %9s  %s\n' "side" "median_s" "vs_qemu" "MIPS" "output"

# shellcheck disable=SC2086 # BENCH_QEMU_ARGS is a list of words
if ! run_side qemu "$tmp/qemu.out" "$qemu" $BENCH_QEMU_ARGS -kernel "$kernel"; then
	echo "bench: the QEMU reference run failed" >&2
	exit 1
fi
qemu_med=$(bench_median <"$tmp/qemu.times")
printf '%-24s %10s %9s %9s  %s\n' "qemu-system-arm" "$qemu_med" "1.00" "-" "reference"

status=0
for cfg in $configs; do
	name=$(basename "$cfg" .ini)
	stats="$tmp/$name.stats.json"
	if ! run_side "$name" "$tmp/$name.out" "$captive" -c "$cfg" --kernel "$kernel" \
		--stats-json "$stats"; then
		printf '%-24s %10s %9s %9s  %s\n' "$name" "-" "-" "-" "FAILED"
		status=1
		continue
	fi
	med=$(bench_median <"$tmp/$name.times")
	ratio=$(bench_ratio "$med" "$qemu_med")
	insns=$(sed -n 's/.*"insns"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$stats" 2>/dev/null | head -n 1)
	if [ -n "$insns" ]; then
		mips=$(awk -v n="$insns" -v t="$med" 'BEGIN { if (t > 0) printf "%.1f", n / t / 1e6; else print "-" }')
	else
		mips=-
	fi
	if cmp -s "$tmp/qemu.out" "$tmp/$name.out"; then
		verdict=match
	else
		verdict="DIFFERS from QEMU"
		status=1
	fi
	printf '%-24s %10s %9s %9s  %s\n' "$name" "$med" "$ratio" "$mips" "$verdict"
done
exit $status
