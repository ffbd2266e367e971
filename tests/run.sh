#!/usr/bin/env bash
# Runs every test: the Check unit suites ($BUILD/tests/test_*), then the
# integration scripts (tests/integration/*.sh, which print PASS:/FAIL:/SKIP:
# lines). Ends with one line "N passed, N failed" and exits non-zero on any
# failure. CAPTIVE_TEST_ALL=1 widens the integration matrices (make test-all).
set -u
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
. tests/lib.sh
# A sanitizer build runs several times slower (tests/lib.sh): Check's
# timeouts stretch with it (test_diff_unicorn's 600 s ran out under
# make test SANITIZE=address,undefined on a busy host).
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-$(slow_factor)}

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== unit suites (Check)"
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-60} "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	# Check's per-runner line: "NN%: Checks: N, Failures: N, Errors: N"
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -1)
	if [ -n "$line" ]; then
		checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
		fails=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
		fails=$((fails))
		passed=$((passed + checks - fails))
		failed=$((failed + fails))
	fi
	if [ $rc -ne 0 ] && { [ -z "$line" ] || [ "$fails" -eq 0 ]; }; then
		echo "FAIL: $t exited with status $rc"
		failed=$((failed + 1))
	fi
done

echo "== integration"
for s in tests/integration/*.sh; do
	echo "-- $s"
	bash "$s" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^PASS' "$log")
	f=$(grep -c '^FAIL' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $s exited with status $rc"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
