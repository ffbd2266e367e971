#!/usr/bin/env bash
# The disk lock: while one captive runs on a writable disk, a second one -
# writable or ,readonly - stops with one error naming the file and exit 2;
# two ,readonly users share a disk, and a writer cannot join them; the lock
# goes with the process (SIGKILL included). Where QEMU is installed, its
# image locks and ours keep each other out in both directions.
# The guest holding the disk is tests/guest/robust/idle.c.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
idle=tests/guest/build/robust/idle.elf
[ -f "$idle" ] || { fail "lock: $idle was not built"; exit 0; }
disk=$tmp/disk.img
head -c 1M /dev/zero >"$disk"
P="--set strategy.backend=process"

# hold NAME DISK-ARG: start an idling captive on the disk; its pid in $held.
held=
hold() {
	"$CAPTIVE" $P --timeout 30 --disk "$2" --kernel "$idle" >"$tmp/$1.out" 2>"$tmp/$1.err" &
	held=$!
	pids+=("$held")
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q "idle: running" "$tmp/$1.out" && return 0
		kill -0 "$held" 2>/dev/null || break
		sleep 0.05
	done
	fail "lock: $1 did not start: $(tail -3 "$tmp/$1.err" | tr '\n' ' ')"
	return 1
}

# refused NAME DISK-ARG: a second captive on the disk must exit 2 at once,
# with the message naming the file.
refused() {
	timeout 20 "$CAPTIVE" $P --timeout 5 --disk "$2" --kernel "$idle" >"$tmp/x.out" 2>"$tmp/x.err"
	local rc=$?
	if [ $rc -ne 2 ]; then
		fail "$1: exit status $rc, expected 2; stderr: $(head -3 "$tmp/x.err" | tr '\n' ' ')"
	elif ! grep -q "disk '$disk' is in use: another process holds a lock on it" "$tmp/x.err"; then
		fail "$1: no clear message: $(head -3 "$tmp/x.err" | tr '\n' ' ')"
	elif [ "$(grep -c . "$tmp/x.err")" -ne 1 ] || [ -s "$tmp/x.out" ]; then
		fail "$1: more than the one error: $(head -5 "$tmp/x.err" "$tmp/x.out" | tr '\n' ' ')"
	else
		pass "$1"
	fi
}

# stop PID: end a holder (SIGKILL: the lock must not need a clean exit).
stop() {
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

if hold writer "$disk"; then
	refused "lock: a second writer is refused while one runs" "$disk"
	refused "lock: a read-only user is refused while a writer runs" "$disk,readonly"
	stop "$held"
fi
if hold reader1 "$disk,readonly"; then
	r1=$held
	if hold reader2 "$disk,readonly"; then
		pass "lock: two read-only users share the disk"
		refused "lock: a writer is refused while read-only users run" "$disk"
		stop "$held"
	fi
	stop "$r1"
fi
if hold after "$disk"; then
	pass "lock: a killed holder's lock is gone; a new writer starts"
	after=$held
else
	after=
fi

qemu=${QEMU:-qemu-system-arm}
if ! command -v "$qemu" >/dev/null 2>&1; then
	skip "lock against QEMU: $qemu is not installed"
elif [ -n "$after" ]; then
	QEMU_AUDIO_DRV=none timeout 20 "$qemu" -M vexpress-a9,secure=off -cpu cortex-a9,neon=off \
		-nographic -monitor none -serial none -kernel "$idle" \
		-global virtio-mmio.force-legacy=false \
		-drive file="$disk",format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0 \
		>"$tmp/q.out" 2>"$tmp/q.err"
	rc=$?
	if [ $rc -ne 0 ] && grep -qi "lock" "$tmp/q.err"; then
		pass "lock: QEMU cannot open a disk captive is writing"
	else
		fail "lock: QEMU opened a disk captive is writing (status $rc): $(grep -v '^qemu: module\|ALSA\|alsa\|audio' "$tmp/q.err" | head -2 | tr '\n' ' ')"
	fi
	stop "$after"
	QEMU_AUDIO_DRV=none "$qemu" -M vexpress-a9,secure=off -cpu cortex-a9,neon=off \
		-nographic -monitor none -serial file:"$tmp/q.out" -kernel "$idle" \
		-global virtio-mmio.force-legacy=false \
		-drive file="$disk",format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0 \
		2>"$tmp/q.err" &
	q=$!
	pids+=("$q")
	for ((i = 0; i < 300; i++)); do
		grep -q "idle: running" "$tmp/q.out" 2>/dev/null && break
		sleep 0.05
	done
	refused "lock: captive cannot open a disk QEMU is writing" "$disk"
	stop "$q"
fi
[ -n "$after" ] && stop "$after"
true
