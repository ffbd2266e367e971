#!/usr/bin/env bash
# `make fuzz-plants`: shows that each fuzz harness finds a bug of the kind it
# exists to catch. tests/fuzz/plants/<name>.patch plants one small bug in the
# product sources. For each NAME given (default: every patch there), the
# patch is applied to a temporary worktree of HEAD (build/fuzz/plant-wt/,
# built from scratch, so the main build is neither used nor touched, and
# removed at the end), the harness is built there and run with run.sh's
# libFuzzer flags from the committed seeds (tests/fuzz/corpus/<name>/,
# tests/fuzz/regress/<name>/) for at most PLANT_S seconds (default 300).
#
# A crash counts as the plant found only if its input runs clean on the
# harness built from HEAD: a crash that HEAD has too is a real bug, not the
# plant, and is reported as such.
#
# Prints one line per plant: found or NOT found, seconds to the first crash
# (libFuzzer stops there), executions, and the first sanitizer or invariant
# line of the report. Logs and crashing inputs stay in build/fuzz/plants/.
# Exits 1 if any plant was not found, 2 if a patch no longer applies to
# HEAD (checked for every NAME before anything is built).
set -u
cd "$(dirname "$0")/../.."
# EPOCHREALTIME and awk agree on the decimal point.
export LC_ALL=C
root=$PWD

secs=${PLANT_S:-300}
plants=tests/fuzz/plants
wt=$root/build/fuzz/plant-wt
out=$root/build/fuzz/plants
fuzzer=

known=()
for p in "$plants"/*.patch; do
	[ -f "$p" ] && known+=("$(basename "$p" .patch)")
done
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${known[@]}")
for h in "${names[@]}"; do
	if [ ! -f "$plants/$h.patch" ]; then
		echo "plants: no plant for '$h' (known: ${known[*]})" >&2
		exit 2
	fi
done

remove_worktree() {
	git worktree remove --force "$wt" >/dev/null 2>&1
	rm -rf "$wt"
	git worktree prune
}

cleanup() {
	# A second ^C (or timeout(1)'s signal to the whole group) would end
	# this handler half way, the worktree still registered.
	trap '' INT TERM
	if [ -n "$fuzzer" ]; then
		kill "$fuzzer" 2>/dev/null
		wait "$fuzzer" 2>/dev/null
	fi
	remove_worktree
}

# A run killed outright (SIGKILL) leaves its worktree behind.
remove_worktree
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$out" "$(dirname "$wt")"
if ! git worktree add --detach "$wt" HEAD >/dev/null 2>&1; then
	echo "plants: cannot create the worktree $wt" >&2
	exit 2
fi

bad=0
for h in "${names[@]}"; do
	# git names the file and the hunk: "error: framework/dtb.c: patch does not apply".
	if ! why=$(git -C "$wt" apply --check "$root/$plants/$h.patch" 2>&1); then
		echo "plants: $plants/$h.patch no longer applies to HEAD:" >&2
		sed 's/^/    /' <<<"$why" >&2
		bad=1
	fi
done
[ $bad -eq 0 ] || exit 2

# The harness built in the worktree as it stands; the output goes to $1.
build() {
	make -C "$wt" "build/fuzz/$h" >"$1" 2>&1
}

# The report's first sanitizer or invariant line, without ASan's pid and
# addresses, and for ASan the innermost frame in the project's sources (the
# bad access, rather than the memcpy or libfdt inline that made it).
report_line() {
	local line frame

	line=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|fuzz invariant' "$1" |
		sed -E 's/^==[0-9]+== ?//; s/ on (unknown )?address 0x[0-9a-f]+.*//')
	if [[ $line == ERROR:\ AddressSanitizer* ]]; then
		frame=$(grep -E '^ +#[0-9]+ 0x[0-9a-f]+ in ' "$1" | grep -m1 -F " $wt/" |
			sed -E "s/^ +#[0-9]+ 0x[0-9a-f]+ in //; s| $wt/| |; s/:[0-9]+\$//")
		[ -n "$frame" ] && line+=" in $frame"
	fi
	echo "${line:-(no sanitizer or invariant line: see the log)}"
}

summary=()
failed=0
for h in "${names[@]}"; do
	log=$out/$h.log
	crashes=$out/crashes/$h
	corpus=$wt/build/fuzz/plant-corpus/$h
	bin=$wt/build/fuzz/$h
	rm -rf "$crashes" "$corpus"
	mkdir -p "$crashes" "$corpus"

	git -C "$wt" apply "$root/$plants/$h.patch"
	echo "plants: $h: building with the plant ..."
	if ! build "$out/$h.build.log"; then
		line=$(printf '%-8s NOT found: the planted tree does not build (%s)' "$h" "$out/$h.build.log")
		echo "$line"
		summary+=("$line")
		failed=1
		git -C "$wt" checkout -- .
		continue
	fi

	# The working corpus first: libFuzzer adds new inputs to the first
	# directory only, and the committed seeds must stay as they are.
	dirs=("$corpus")
	for d in "$wt/tests/fuzz/corpus/$h" "$wt/tests/fuzz/regress/$h"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	echo "plants: $h: fuzzing for at most ${secs}s ..."
	start=$EPOCHREALTIME
	"$bin" -max_total_time="$secs" -timeout=10 -use_value_profile=1 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "${dirs[@]}" >"$log" 2>&1 &
	fuzzer=$!
	wait "$fuzzer"
	rc=$?
	fuzzer=
	took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	crash=$(find "$crashes" -type f | head -1)

	git -C "$wt" checkout -- .
	if [ -z "$crash" ]; then
		verdict="NOT found"
		what="no crash in ${secs}s (libFuzzer exit status $rc)"
	else
		what=$(report_line "$log")
		echo "plants: $h: a crash; replaying it on HEAD ..."
		if ! build "$out/$h.head-build.log"; then
			verdict="NOT found"
			what="HEAD does not build ($out/$h.head-build.log); $what"
		elif "$bin" -timeout=10 "$crash" >"$out/$h.head.log" 2>&1; then
			verdict="found"
		else
			verdict="NOT found"
			what="the input crashes HEAD too, a real bug ($out/$h.head.log): $what"
		fi
	fi
	[ "$verdict" = found ] || failed=1
	line=$(printf '%-8s %-9s %6ss %10s execs  %s' "$h" "$verdict" "$took" "${execs:-?}" "$what")
	echo "$line"
	summary+=("$line")
done

echo "== fuzz plants (PLANT_S=$secs; logs and crashing inputs in ${out#"$root"/}/)"
printf '%s\n' "${summary[@]}"
exit $failed
