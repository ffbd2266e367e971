#!/usr/bin/env bash
# The Debian guest images (make images) boot under the reference QEMU
# invocation: the kernel reaches init, runs one short workload, powers off,
# and the workload prints exactly its golden output (guest/golden/). Runs
# through bench/linux/run.py, so the harness's marker timing and output check
# are exercised too. Bounded to about a minute.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

WORKLOAD=lua
images=build/images

if ! command -v qemu-system-arm >/dev/null 2>&1; then
	skip "linux under qemu: qemu-system-arm is not installed"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	skip "linux under qemu: python3 is not installed (the harness needs it)"
	exit 0
fi
for f in zImage initramfs.cpio.gz disk.ext4; do
	if [ ! -f "$images/$f" ]; then
		skip "linux under qemu: $images/$f missing (run make images)"
		exit 0
	fi
done
if [ ! -f guest/golden/$WORKLOAD.out ]; then
	fail "linux under qemu: no golden output guest/golden/$WORKLOAD.out"
	exit 0
fi
# Our board DTB is the one that matters; until it is built, Debian's own
# vexpress-v2p-ca9.dtb still shows the images boot.
dtb=$BUILD/vexpress-a9.dtb
note=
if [ ! -f "$dtb" ]; then
	dtb=$images/debian-vexpress-v2p-ca9.dtb
	note=" (with Debian's DTB: $dtb; $BUILD/vexpress-a9.dtb not built)"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 bench/linux/run.py --runs 1 --timeout 50 --workloads $WORKLOAD --dtb "$dtb" \
	--out "$out" qemu >"$out/table" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
	boot=$(awk '$1 == "boot-to-init" { print $2 }' "$out/table")
	t=$(awk -v w=$WORKLOAD '$1 == w { print $2 }' "$out/table")
	pass "linux under qemu: init reached in ${boot}s, $WORKLOAD matches its golden output (${t}s)$note"
else
	fail "linux under qemu$note: $(grep -E '^failed:|differs' "$out/table" | head -3 | tr '\n' ' ')"
	sed 's/^/    /' "$out/table"
fi
