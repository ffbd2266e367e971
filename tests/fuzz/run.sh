#!/usr/bin/env bash
# `make fuzz`: run each named harness (build/fuzz/<name>, built by make
# fuzz-build) for FUZZ_S seconds, starting from its committed seeds
# (tests/fuzz/corpus/<name>/), its regression inputs (tests/fuzz/regress/
# <name>/) and seeds made now from build artifacts (mkseeds.py built), and
# growing its working corpus in build/fuzz/corpus/<name>/ across runs.
#
# Prints per harness: executions, run time, coverage (libFuzzer's edge count
# `cov:` and feature count `ft:` at the end) and crashes, whose inputs land
# in build/fuzz/crashes/<name>/ (libFuzzer stops at the first one). Exits
# non-zero when any harness crashed. The full libFuzzer output of each run
# is build/fuzz/logs/<name>.log. Value profiling is on: the planted
# off-by-one bounds checks in the loader and virtio harnesses (an image or
# buffer ending one byte past guest RAM) were not found in 10 minutes
# without it.
set -u
cd "$(dirname "$0")/../.."

secs=${FUZZ_S:-60}
out=${BUILD:-build}/fuzz
summary=()
crashed=0

mkdir -p "$out/logs"
if command -v dtc >/dev/null 2>&1; then
	python3 tests/fuzz/mkseeds.py built "$out/seeds" ||
		echo "fuzz: warning: could not make the seeds from build artifacts" >&2
fi

for h in "$@"; do
	bin=$out/$h
	log=$out/logs/$h.log
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin is not built (make fuzz-build)" >&2
		exit 2
	fi
	mkdir -p "$out/corpus/$h" "$out/crashes/$h"
	dirs=("$out/corpus/$h")
	for d in tests/fuzz/corpus/$h tests/fuzz/regress/$h $out/seeds/$h; do
		[ -d "$d" ] && dirs+=("$d")
	done
	stamp=$(mktemp)
	echo "fuzz: $h for ${secs}s ..."
	start=$SECONDS
	"$bin" -max_total_time="$secs" -timeout=10 -use_value_profile=1 -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$h/" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	took=$((SECONDS - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o ' cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
	ft=$(grep -o ' ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
	corpus=$(find "$out/corpus/$h" -type f | wc -l)
	crashes=$(find "$out/crashes/$h" -type f -newer "$stamp" | wc -l)
	rm -f "$stamp"
	line=$(printf '%-8s %10s execs %5ss  cov %5s edges  ft %6s  corpus %5s  crashes %s' \
		"$h" "${execs:-?}" "$took" "${cov:-?}" "${ft:-?}" "$corpus" "$crashes")
	if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
		crashed=1
		line+="  <- see $log"
		grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error|fuzz invariant' "$log" |
			sed 's/^/          /'
	fi
	echo "$line"
	summary+=("$line")
done

echo "== fuzz summary (FUZZ_S=$secs)"
printf '%s\n' "${summary[@]}"
exit $crashed
