#!/usr/bin/env bash
# `make run`: run the demo guest under CONFIG; falls back to the process
# backend (saying so) when KVM is not usable here.
set -u
config=$1
kernel=$2
cd "$(dirname "$0")/.."
. tests/lib.sh
extra=()
why=$(kvm_unusable_reason)
if [ -n "$why" ] && grep -qE '^backend *= *kvm' "$config"; then
	echo "run: kvm is not usable here ($why); using the process backend" >&2
	extra=(--set strategy.backend=process)
fi
exec build/captive -c "$config" "${extra[@]}" --kernel "$kernel"
