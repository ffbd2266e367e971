#!/usr/bin/env bash
# A second make after a build has nothing to do (no object is deleted as an
# intermediate file and rebuilt, no target is always out of date), and plain
# `make` builds captive rather than fetching guest images.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

for target in all "-C tests/guest"; do
	# shellcheck disable=SC2086
	out=$(make -n $target 2>&1)
	if make -q $target >/dev/null 2>&1; then
		pass "make $target after a build has nothing to do"
	else
		fail "make $target after a build would run: $(head -3 <<<"$out" | tr '\n' ' ')"
	fi
done

goal=$(make -pnq 2>/dev/null | sed -n 's/^\.DEFAULT_GOAL := //p' | tail -1)
if [ "$goal" = all ]; then
	pass "plain make builds everything (default goal 'all')"
else
	fail "plain make's default goal is '$goal', expected 'all'"
fi
