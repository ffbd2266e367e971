#!/usr/bin/env bash
# --disk PATH,readonly is never written. The guest (tests/guest/robust/rodisk.c)
# finds VIRTIO_BLK_F_RO offered, reads, writes (each write must complete with
# VIRTIO_BLK_S_IOERR, virtio 1.1 5.2.6.1), flushes and reads again, then
# idles. While it idles, /proc says how captive holds the file: every
# descriptor on it must be O_RDONLY. Afterwards the file's bytes and mtime
# are what they were. The image is writable by us on purpose: only
# ,readonly stands between the guest and the file. Where QEMU is installed,
# the same program on the same image with readonly=on must print the same.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
elf=tests/guest/build/robust/rodisk.elf
[ -f "$elf" ] || { fail "readonly: $elf was not built"; exit 0; }

disk=$tmp/disk.img
head -c 1M /dev/urandom >"$disk"
sum_before=$(sha256sum <"$disk")
touch -d '2001-02-03 04:05:06.789' "$disk"
mtime_before=$(stat -c %y "$disk")

# wait_for FILE TEXT: up to 15 s for the line, while $pid lives.
wait_for() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q "$2" "$1" && return 0
		[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && break
		sleep 0.05
	done
	grep -q "$2" "$1"
}

for b in $(usable_backends); do
	name="readonly [$b]"
	"$CAPTIVE" --set strategy.backend="$b" --timeout 30 -m 64 --disk "$disk,readonly" \
		--kernel "$elf" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	if ! wait_for "$tmp/out" "rodisk: done"; then
		fail "$name: the guest did not finish: $(tr '\n' ' ' <"$tmp/out" | head -c 300) stderr: $(tail -3 "$tmp/err" | tr '\n' ' ')"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
		continue
	fi
	# Every descriptor captive holds on the image, with its open flags.
	real=$(readlink -f "$disk")
	modes=
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "$real" ] || continue
		flags=$(awk '/^flags:/ { print $2 }' /proc/"$pid"/fdinfo/"$(basename "$fd")")
		modes="$modes $((8#$flags & 3))"
	done
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=
	if [ -z "$modes" ]; then
		fail "$name: captive holds no descriptor on the disk image"
	elif [ "$(tr -d ' 0' <<<"$modes")" != "" ]; then
		fail "$name: captive holds the image open for writing (access modes:$modes; 0 is O_RDONLY)"
	else
		pass "$name: every descriptor on the image is O_RDONLY"
	fi
	if grep -q '^FAIL' "$tmp/out" || ! grep -q "rodisk: done, 0 failures" "$tmp/out"; then
		fail "$name: the guest's checks: $(grep -v '^PASS' "$tmp/out" | tr '\n' ' ')"
	else
		pass "$name: RO offered, writes fail with IOERR, reads see the same bytes ($(grep -c '^PASS' "$tmp/out") checks)"
	fi
	[ "$rc" -eq 130 ] && pass "$name: SIGTERM ends the run with 130" ||
		fail "$name: exit status $rc after SIGTERM, expected 130"
	if [ "$(sha256sum <"$disk")" = "$sum_before" ] && [ "$(stat -c %y "$disk")" = "$mtime_before" ]; then
		pass "$name: the image's bytes and mtime are unchanged"
	else
		fail "$name: the read-only image changed (bytes or mtime)"
	fi
	cp "$tmp/out" "$tmp/captive.out"
done
grep -q kvm <<<"$(usable_backends)" || skip "readonly under kvm: $(kvm_unusable_reason)"

qemu=${QEMU:-qemu-system-arm}
if ! command -v "$qemu" >/dev/null 2>&1; then
	skip "readonly under QEMU: $qemu is not installed"
elif [ -f "$tmp/captive.out" ]; then
	QEMU_AUDIO_DRV=none "$qemu" -M vexpress-a9,secure=off -cpu cortex-a9,neon=off -m 64 \
		-nographic -monitor none -serial stdio -kernel "$elf" \
		-global virtio-mmio.force-legacy=false \
		-drive file="$disk",format=raw,if=none,id=d0,readonly=on \
		-device virtio-blk-device,drive=d0 >"$tmp/qemu.out" 2>"$tmp/qemu.err" &
	pid=$!
	wait_for "$tmp/qemu.out" "rodisk: done"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	if cmp -s "$tmp/qemu.out" "$tmp/captive.out"; then
		pass "readonly: QEMU prints the same ($(wc -l <"$tmp/qemu.out") lines)"
	else
		fail "readonly: QEMU's output differs from captive's: $(diff "$tmp/qemu.out" "$tmp/captive.out" | head -5 | tr '\n' ' ')"
	fi
fi
