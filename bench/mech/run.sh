#!/usr/bin/env bash
# Side by side, one mechanism at a time: each mechanism benchmark
# (bench/build/mech/<mechanism>.elf, built by `make -C bench mech`) under
# qemu-system-arm (the reference, DESIGN.md's invocation) and under captive
# with each side given.
#
#   bench/mech/run.sh [-n RUNS] [-d DIR] [-m MECH[,MECH...]] [-s KEY=VALUE]... [-t TIMEOUT] [SIDE...]
#
# SIDE is a config, as a path or a name under configs/, optionally followed by
# ",key=value" overrides for that side only (passed as --set), for example
# "baseline-per-block,strategy.backend=process". -s KEY=VALUE overrides a key
# on every captive side. The default sides are the pure-software reference
# and its per-block-interrupt ablation, which run on the process backend:
#
#   baseline-process  baseline-per-block,strategy.backend=process
#
# Captive runs with its no-progress watchdog off (a long loop of a slow
# mechanism makes no device access for a while); -t TIMEOUT (default 300 s)
# bounds every run instead. Every run is timed on the host from the console markers (the arrival of the
# "mech NAME start" line to that of "mech end"), so boot and load are not in
# it. Runs go one at a time, never two at once, RUNS times per side (default
# 3). Reported per mechanism: the iteration count, each side's median loop
# time, its ratio to QEMU's median (above 1 means slower than QEMU) and the
# nanoseconds per iteration; then the geometric mean of each side's ratios.
# Every run's console output must equal QEMU's byte for byte (markers,
# iteration count, checksum): the exit status is 1 if any differs or fails.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/bench/lib.sh"
runs=3
dir="$root/bench/build/mech"
only=
timeout_s=300
global_sets=()
qemu=$bench_qemu
captive=${CAPTIVE:-$root/build/captive}

usage() {
	echo "usage: $0 [-n RUNS] [-d DIR] [-m MECH[,MECH...]] [-s KEY=VALUE]... [-t TIMEOUT] [SIDE...]" >&2
	exit 2
}

while getopts n:d:m:s:t:h opt; do
	case $opt in
	n) runs=$OPTARG ;;
	d) dir=$OPTARG ;;
	m) only=$OPTARG ;;
	s) global_sets+=(--set "$OPTARG") ;;
	t) timeout_s=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))

case $runs in
'' | *[!0-9]* | 0) echo "mech: -n wants a positive number of runs, got '$runs'" >&2; exit 2 ;;
esac
command -v "$qemu" >/dev/null 2>&1 || { echo "mech: $qemu not found" >&2; exit 2; }
[ -x "$captive" ] || { echo "mech: $captive not built (make)" >&2; exit 2; }
[ $# -gt 0 ] || set -- baseline-process baseline-per-block,strategy.backend=process

# Sides: side_name[i], side_cfg[i], side_sets[i] (a "--set k=v" list, one word each).
side_name=()
side_cfg=()
side_sets=()
for spec in "$@"; do
	IFS=, read -r -a parts <<<"$spec"
	cfg=$(bench_config "${parts[0]}") || exit 2
	name=$(basename "$cfg" .ini)
	sets=
	for kv in "${parts[@]:1}"; do
		case $kv in
		*=*) ;;
		*) echo "mech: '$kv' in side '$spec' is not key=value" >&2; exit 2 ;;
		esac
		name="$name+${kv#*=}"
		sets="$sets --set $kv"
	done
	side_name+=("$name")
	side_cfg+=("$cfg")
	side_sets+=("$sets")
done

mechs=()
if [ -n "$only" ]; then
	IFS=, read -r -a mechs <<<"$only"
else
	for elf in "$dir"/*.elf; do
		[ -e "$elf" ] && mechs+=("$(basename "$elf" .elf)")
	done
fi
[ ${#mechs[@]} -gt 0 ] || { echo "mech: no programs in $dir (make -C bench mech)" >&2; exit 2; }
for m in "${mechs[@]}"; do
	[ -f "$dir/$m.elf" ] || { echo "mech: $dir/$m.elf not found (make -C bench mech)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Each line of stdin, prefixed with the time it arrived (seconds, microsecond resolution).
stamp_lines() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
	done
}

# timed_run OUT COMMAND...: one run; the console output goes to OUT, the loop
# time (seconds) to stdout. Returns non-zero, saying why on stderr, if the
# command fails or the markers are missing.
timed_run() {
	local out=$1 rc secs
	shift
	timeout -k 5 "$timeout_s" "$@" </dev/null 2>"$tmp/err" | tee "$out" | stamp_lines >"$tmp/stamps"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		echo "exit status $rc: $(tail -n 3 "$tmp/err" | tr '\n' ' ')" >&2
		return 1
	fi
	secs=$(awk '$2 == "mech" && $NF == "start" && !s { s = $1 }
		$2 == "mech" && $3 == "end" && NF == 3 && s && !e { e = $1 }
		END { if (s && e) printf "%.6f\n", e - s; else exit 1 }' "$tmp/stamps") || {
		echo "no start and end markers in the output" >&2
		return 1
	}
	echo "$secs"
}

# run_side KEY COMMAND...: RUNS runs; the times go to $tmp/KEY.times, the
# first run's output to $tmp/KEY.out. Every run's output is compared with
# $tmp/ref.out (QEMU's), or while there is none with this side's first run.
# Prints "FAILED" or "DIFFERS" for the first run that fails or differs,
# nothing when every run matched.
run_side() {
	local key=$1 i t ref="$tmp/ref.out"
	shift
	[ -f "$ref" ] || ref="$tmp/$key.out"
	: >"$tmp/$key.times"
	for ((i = 1; i <= runs; i++)); do
		if ! t=$(timed_run "$tmp/run.out" "$@" 2>"$tmp/why"); then
			echo "mech: $key run $i: $(cat "$tmp/why")" >&2
			echo FAILED
			return
		fi
		echo "$t" >>"$tmp/$key.times"
		[ "$i" -eq 1 ] && cp "$tmp/run.out" "$tmp/$key.out"
		if ! cmp -s "$ref" "$tmp/run.out"; then
			echo "mech: $key run $i: output differs from $([ "$ref" = "$tmp/ref.out" ] &&
				echo "QEMU's" || echo "its first run's"):" >&2
			diff "$ref" "$tmp/run.out" | head -n 6 | sed 's/^/    /' >&2
			echo DIFFERS
			return
		fi
	done
}

ns_per_iter() {
	awk -v t="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", t * 1e9 / n; else print "-" }'
}

# Header: one group of columns per side.
line1=$(printf '%-18s %10s | %-17s' "" "" "qemu-system-arm")
line2=$(printf '%-18s %10s | %8s %8s' "mechanism" "iters" "median_s" "ns/it")
for name in "${side_name[@]}"; do
	line1+=$(printf ' | %-32s' "$name")
	line2+=$(printf ' | %8s %8s %7s %6s' "median_s" "ns/it" "vs_qemu" "output")
done
echo "$line1"
echo "$line2"

status=0
ratios=()
for m in "${mechs[@]}"; do
	elf="$dir/$m.elf"
	rm -f "$tmp/ref.out"
	# shellcheck disable=SC2086 # BENCH_QEMU_ARGS is a list of words
	verdict=$(run_side qemu "$qemu" $BENCH_QEMU_ARGS -kernel "$elf")
	if [ -n "$verdict" ] || ! [ -s "$tmp/qemu.out" ]; then
		printf '%-18s %10s | %s\n' "$m" "-" "the QEMU reference run failed"
		status=1
		continue
	fi
	mv "$tmp/qemu.out" "$tmp/ref.out"
	iters=$(sed -n 's/^mech .*: iters \([0-9][0-9]*\) checksum .*/\1/p' "$tmp/ref.out" | head -n 1)
	qmed=$(bench_median <"$tmp/qemu.times")
	row=$(printf '%-18s %10s | %8.3f %8s' "$m" "${iters:--}" "$qmed" "$(ns_per_iter "$qmed" "${iters:-0}")")
	for ((s = 0; s < ${#side_name[@]}; s++)); do
		# shellcheck disable=SC2086 # side_sets is a list of words
		verdict=$(run_side "side$s" "$captive" -c "${side_cfg[$s]}" ${side_sets[$s]} \
			"${global_sets[@]}" --watchdog 0 --kernel "$elf")
		if [ "$verdict" = FAILED ]; then
			row+=$(printf ' | %8s %8s %7s %6s' - - - FAILED)
			status=1
			continue
		fi
		med=$(bench_median <"$tmp/side$s.times")
		ratio=$(bench_ratio "$med" "$qmed")
		ratios[s]="${ratios[s]:-} $ratio"
		if [ -n "$verdict" ]; then
			status=1
		else
			verdict=match
		fi
		row+=$(printf ' | %8.3f %8s %7s %6s' "$med" "$(ns_per_iter "$med" "${iters:-0}")" "$ratio" "$verdict")
	done
	echo "$row"
done

row=$(printf '%-18s %10s | %8s %8s' "geomean vs qemu" "" "" "")
for ((s = 0; s < ${#side_name[@]}; s++)); do
	g=$(echo "${ratios[$s]:-}" | awk '{ l = 0; n = 0
		for (i = 1; i <= NF; i++) if ($i > 0) { l += log($i); n++ }
		if (n) printf "%.2f", exp(l / n); else print "-" }')
	row+=$(printf ' | %8s %8s %7s %6s' "" "" "$g" "")
done
echo "$row"
exit $status
