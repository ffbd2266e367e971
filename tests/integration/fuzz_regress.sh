#!/usr/bin/env bash
# The fuzz harnesses (tests/fuzz/<name>.c) as regression tests: builds them
# (make fuzz-build: clang, ASan, UBSan, libFuzzer) and runs each, without
# fuzzing, over its regression inputs (tests/fuzz/regress/<name>/: every
# crash the fuzzers found, fixed since) and its committed seeds
# (tests/fuzz/corpus/<name>/), a hang failing after 30 s. One PASS or FAIL
# line per harness; one SKIP line when clang or libFuzzer's runtime is
# missing (`make fuzz` installs them; `make test` does not need them).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

if ! command -v clang >/dev/null 2>&1; then
	skip "fuzz regression replay: clang is not installed (make fuzz installs it: scripts/setup-deps.sh fuzz)"
	exit 0
fi
fuzzer_rt="$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a"
if [ ! -e "$fuzzer_rt" ]; then
	skip "fuzz regression replay: libFuzzer's runtime ($fuzzer_rt) is missing (install libclang-rt-14-dev, or run make fuzz)"
	exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! make -s -j2 fuzz-build >"$log" 2>&1; then
	fail "fuzz harnesses build (make fuzz-build): $(tail -5 "$log" | tr '\n' ' ')"
	exit 1
fi

for src in tests/fuzz/*.c; do
	h=$(basename "$src" .c)
	inputs=()
	for f in tests/fuzz/regress/"$h"/* tests/fuzz/corpus/"$h"/*; do
		[ -f "$f" ] && inputs+=("$f")
	done
	if [ ${#inputs[@]} -eq 0 ]; then
		fail "fuzz $h: no regression inputs or seeds to replay"
		continue
	fi
	if "$BUILD"/fuzz/"$h" -timeout=30 "${inputs[@]}" >"$log" 2>&1; then
		pass "fuzz $h: ${#inputs[@]} inputs replayed clean (ASan, UBSan, invariants)"
	else
		fail "fuzz $h: $(grep -E '^Running: ' "$log" | tail -1): $(grep -m1 -E 'ERROR|runtime error|fuzz invariant' "$log")"
		sed 's/^/    /' "$log" | tail -20
	fi
done
