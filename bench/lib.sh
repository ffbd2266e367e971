# shellcheck shell=sh disable=SC2034,SC2154
# Shared by the side-by-side harnesses (bench/run.sh, bench/mech/run.sh);
# sourced, not run. POSIX sh. The caller sets root (the repository); the
# variables below are for the caller.

# The reference QEMU invocation (DESIGN.md), without the kernel.
bench_qemu=${QEMU:-qemu-system-arm}
BENCH_QEMU_ARGS="-M vexpress-a9,secure=off -cpu cortex-a9,neon=off -m 512 -nographic"
# No audio backend: vexpress has a PL041 and QEMU would probe ALSA.
QEMU_AUDIO_DRV=none
export QEMU_AUDIO_DRV

# bench_config NAME: the path of a config given as a path or as a name under
# configs/ (with or without .ini); prints an error and returns 1 if none.
bench_config() {
	if [ -f "$1" ]; then
		echo "$1"
	elif [ -f "$root/configs/$1" ]; then
		echo "$root/configs/$1"
	elif [ -f "$root/configs/$1.ini" ]; then
		echo "$root/configs/$1.ini"
	else
		echo "bench: config '$1' not found (a path, or a name under configs/)" >&2
		return 1
	fi
}

# bench_median: the median of the numbers on stdin, one per line.
bench_median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_ratio A B: A / B to two decimals, or "-" when B is not positive.
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "-" }'
}
