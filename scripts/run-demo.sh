#!/usr/bin/env bash
# `make run`: boot Debian's ARM kernel (make images) under CONFIG to a busybox
# shell on the console (`exit` powers the guest off), or, when stdin is not a
# terminal, run the default workload and power off; or run KERNEL instead
# when one is given (a bare-metal ELF). Falls back to the process backend,
# saying so, when KVM is unusable here.
set -u
config=$1
kernel=${2:-}
cd "$(dirname "$0")/.."
. tests/lib.sh
extra=()
why=$(kvm_unusable_reason)
if [ -n "$why" ] && grep -qE '^backend *= *kvm' "$config"; then
	echo "run: kvm is not usable here ($why); using the process backend" >&2
	extra=(--set strategy.backend=process)
fi
if [ -n "$kernel" ]; then
	exec build/captive -c "$config" "${extra[@]}" --kernel "$kernel"
fi
append=${APPEND:-}
if [ -z "$append" ] && [ ! -t 0 ]; then
	echo "run: stdin is not a terminal: running the default workload (lua) instead of a shell" >&2
	append=captive.workload=lua
fi
exec build/captive -c "$config" "${extra[@]}" --kernel build/images/zImage \
	--dtb build/vexpress-a9.dtb --initrd build/images/initramfs.cpio.gz \
	--append "console=ttyAMA0 quiet $append"
