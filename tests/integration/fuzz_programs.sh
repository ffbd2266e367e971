#!/usr/bin/env bash
# The regression seeds of the random-program differential fuzzer
# (tests/fuzzprog/regress.txt): each program runs under QEMU and under every
# hosted engine build, and every transcript (the state dumped at each
# exception entry and at the end) must equal QEMU's. Without QEMU the engine
# builds are compared with each other only, with a loud SKIP line. A few
# seconds; `make fuzz-programs` runs new random programs.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

for tool in python3 arm-none-eabi-gcc; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "fuzz_programs: $tool is not installed"
		exit 0
	fi
done
# a differing program is kept in $BUILD/fuzzprog/regress/fail-SEED/
python3 tests/fuzzprog/run.py --seeds-file tests/fuzzprog/regress.txt --build "$BUILD" \
	--out "$BUILD/fuzzprog/regress" --test-lines --timeout 20
