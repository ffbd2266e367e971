#!/usr/bin/env bash
# Durability: a write the guest has flushed (VIRTIO_BLK_T_FLUSH) survives
# captive's death a moment later.
#
# A SIGKILL alone proves nothing: the kernel's page cache outlives the
# process, so even an unflushed pwrite would be "in the file". The powercut
# shim (tests/shim/powercut.c, LD_PRELOAD) keeps captive's writes to the disk
# in the process's own memory until fdatasync/fsync, so SIGKILL loses what a
# power cut would. The guest (tests/guest/robust/durable.c) writes sector A
# and flushes, writes sector B and does not, prints its marker and idles; we
# kill captive then. A's bytes must be in the file. B's must not (a check on
# the shim: if it let B through, the test could not fail). Then the same
# run with POWERCUT_IGNORE_SYNC=1 - a disk that acknowledges syncs and keeps
# nothing - must lose A: the failure mode this test exists to catch. A
# driver that does not take VIRTIO_BLK_F_FLUSH (robust/writethrough.c) has a
# write-through disk: its completed write must survive the kill. Last, a
# flush that takes 2.5 s (POWERCUT_SYNC_MS, a slow disk) must complete under
# --watchdog 1: waiting on the host is not a stuck engine.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
elf=tests/guest/build/robust/durable.elf
wt_elf=tests/guest/build/robust/writethrough.elf
for f in "$elf" "$wt_elf"; do
	[ -f "$f" ] || { fail "durable: $f was not built"; exit 0; }
done
if ! ${CC:-cc} -shared -fPIC -O2 -Wall -Wextra -Werror -fvisibility=hidden \
	-o "$tmp/powercut.so" tests/shim/powercut.c -ldl -lpthread 2>"$tmp/cc.err"; then
	fail "durable: the powercut shim does not build: $(head -3 "$tmp/cc.err" | tr '\n' ' ')"
	exit 0
fi

SECTOR_A=8
SECTOR_B=16
# The bytes durable.c writes: its tag repeated over the 512-byte sector.
pattern() { python3 -c "import sys; t=sys.argv[1]; sys.stdout.write((t*60)[:512])" "$1"; }
pattern DURABLE-A/ >"$tmp/a.want"
pattern VOLATILE-B/ >"$tmp/b.want"
sector() { dd if="$1" bs=512 skip="$2" count=1 status=none; }

# run NAME BACKEND [ENV...] [-- CAPTIVE-ARGS...]: boot durable.elf on a fresh
# zeroed disk under the shim, SIGKILL captive once the guest says it is
# ready. Leaves the disk in $tmp/disk.img; returns non-zero (after a FAIL
# line) if the run itself went wrong.
run() {
	local name=$1 backend=$2 envs=() args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	args=("$@")
	head -c 1M /dev/zero >"$tmp/disk.img"
	# (a sanitizer build's runtime wants to be first in the library list:
	# told not to check, it works after the shim)
	env "${envs[@]}" LD_PRELOAD="$tmp/powercut.so" POWERCUT_FILE="$tmp/disk.img" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$CAPTIVE" --set strategy.backend="$backend" --timeout 30 -m 64 "${args[@]}" \
		--disk "$tmp/disk.img" --kernel "$elf" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	local i
	for ((i = 0; i < 300; i++)); do
		# the whole line: on kvm each console byte is an exit, so the
		# marker can be seen half printed
		grep -q "durable: ready to be killed ([0-9]* failures)" "$tmp/out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if ! grep -q "durable: ready to be killed (0 failures)" "$tmp/out"; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
		fail "$name: the guest did not reach its marker: $(tr '\n' ' ' <"$tmp/out" | head -c 300) stderr: $(grep '^captive:' "$tmp/err" | head -2 | tr '\n' ' ')"
		return 1
	fi
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	local rc=$?
	pid=
	if [ "$rc" -ne 137 ]; then
		fail "$name: captive exited with $rc before the kill"
		return 1
	fi
	return 0
}

for b in $(usable_backends); do
	if run "durable [$b]" "$b"; then
		if sector "$tmp/disk.img" $SECTOR_A | cmp -s - "$tmp/a.want"; then
			pass "durable [$b]: the flushed sector survived SIGKILL"
		else
			fail "durable [$b]: the flushed sector A is not in the file after SIGKILL (was VIRTIO_BLK_T_FLUSH made durable?)"
		fi
		if sector "$tmp/disk.img" $SECTOR_B | cmp -s - "$tmp/b.want"; then
			fail "durable [$b]: the unflushed sector B reached the file: the powercut shim did not hold captive's write, so this test cannot fail (does captive write through a path the shim does not model?)"
		else
			pass "durable [$b]: the shim held the unflushed write (the kill was a power cut)"
		fi
	fi
	if run "durable, syncs ignored [$b]" "$b" POWERCUT_IGNORE_SYNC=1; then
		if sector "$tmp/disk.img" $SECTOR_A | cmp -s - "$tmp/a.want"; then
			fail "durable, syncs ignored [$b]: sector A survived although no sync reached the file: the test is not seeing what it claims"
		else
			pass "durable, syncs ignored [$b]: the flushed write is lost, as it must be when the flush does not reach the file (the failure mode is detectable)"
		fi
	fi
	# A driver that does not negotiate VIRTIO_BLK_F_FLUSH has a
	# write-through disk (virtio 1.1 5.2.5): a completed write is durable.
	if elf=$wt_elf run "write-through [$b]" "$b"; then
		if sector "$tmp/disk.img" $SECTOR_A | cmp -s - "$tmp/a.want"; then
			pass "write-through [$b]: without FLUSH negotiated, a completed write survived SIGKILL"
		else
			fail "write-through [$b]: without FLUSH negotiated, a completed write is not in the file after SIGKILL (the disk must be write-through)"
		fi
	fi
	# A flush that takes 2.5 s (a slow disk) is the guest waiting on the
	# host, not a stuck engine: even --watchdog 1 must let it complete.
	for io in mmio-exit barrier; do
		if run "slow flush [$b/$io]" "$b" POWERCUT_SYNC_MS=2500 -- \
			--set strategy.io=$io --watchdog 1; then
			if grep -q "watchdog" "$tmp/err"; then
				fail "slow flush [$b/$io]: the watchdog fired during the flush: $(grep watchdog "$tmp/err" | head -1)"
			elif sector "$tmp/disk.img" $SECTOR_A | cmp -s - "$tmp/a.want"; then
				pass "slow flush [$b/$io]: a 2.5 s flush under --watchdog 1 completes and is durable"
			else
				fail "slow flush [$b/$io]: the flushed sector A is not in the file"
			fi
		fi
	done
done
grep -q kvm <<<"$(usable_backends)" || skip "durable under kvm: $(kvm_unusable_reason)"
