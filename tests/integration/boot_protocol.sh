#!/usr/bin/env bash
# The Linux boot protocol from the command line: a tiny zImage-shaped ARM
# program (assembled here) checks its entry state - r0 = 0, r1 = the vexpress
# machine id, r2 = a DTB, PC = RAM + 0x10000, SVC with IRQ/FIQ masked - and
# what the disk flags put in virtio slot 0; and bad input (not a kernel, no or
# a bad DTB, an initrd too large, a missing disk, a read-only disk without
# ",readonly") gets its one clear error and exit status 2. The console on a
# pseudo-terminal: raw mode, the Ctrl-A keys, the terminal restored.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
P="--set strategy.backend=process"
dtb=$BUILD/vexpress-a9.dtb

# expect NAME STATUS PATTERN -- captive args...
expect() {
	local name=$1 want=$2 pattern=$3
	shift 4
	timeout 60 "$CAPTIVE" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	if [ $rc -ne "$want" ]; then
		fail "$name: exit status $rc, expected $want; stderr: $(head -3 "$tmp/err" | tr '\n' ' ')"
	elif ! grep -qE -- "$pattern" "$tmp/err" "$tmp/out"; then
		fail "$name: output does not match /$pattern/: $(head -3 "$tmp/err" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

if [ ! -f "$dtb" ]; then
	skip "boot protocol: $dtb is not built (make all)"
	exit 0
fi

# ---- a zImage-shaped guest -------------------------------------------------
# Prints "zimage: ok slot0=N" (N: virtio slot 0's DeviceID) or the first
# check that failed, then powers the board off.
cat >"$tmp/z.S" <<'EOF'
	.syntax unified
	.arm
	.global _start
_start:
	.rept 8
	mov	r0, r0
	.endr
	b	entry
	.word	0x016f2818		@ zImage magic
	.word	0			@ start: position independent
	.word	_end - _start
	.word	0x04030201		@ little-endian
entry:
	mov	r8, r1
	mov	r9, r2
	mov	r10, r0
	ldr	sp, =0x60008000
	adr	r4, msg_r0
	cmp	r10, #0
	bne	fail
	adr	r4, msg_r1
	ldr	r5, =0x8e0
	cmp	r8, r5
	bne	fail
	adr	r4, msg_r2			@ the DTB magic, big-endian 0xd00dfeed
	ldr	r5, [r9]
	ldr	r6, =0xedfe0dd0
	cmp	r5, r6
	bne	fail
	adr	r4, msg_pc
	adr	r5, _start
	ldr	r6, =0x60010000
	cmp	r5, r6
	bne	fail
	adr	r4, msg_cpsr
	mrs	r5, cpsr
	and	r5, r5, #0xdf
	cmp	r5, #0xd3
	bne	fail
	adr	r0, msg_ok
	bl	puts
	ldr	r1, =0x10013008			@ virtio slot 0 DeviceID
	ldr	r0, [r1]
	add	r0, r0, #'0'
	bl	putc
	mov	r0, #'\n'
	bl	putc
	b	off
fail:
	adr	r0, msg_bad
	bl	puts
	mov	r0, r4
	bl	puts
off:
	ldr	r1, =0x100000a4			@ V2M SYS_CFGCTRL: shutdown
	ldr	r0, =0xc0800000
	str	r0, [r1]
1:	b	1b
puts:						@ r0: NUL-terminated string
	mov	r3, lr
	mov	r2, r0
2:	ldrb	r0, [r2], #1
	cmp	r0, #0
	moveq	pc, r3
	bl	putc
	b	2b
putc:						@ r0: byte, to UART0
	ldr	r1, =0x10009000
3:	ldr	r12, [r1, #0x18]
	tst	r12, #0x20
	bne	3b
	str	r0, [r1]
	mov	pc, lr
msg_ok:		.asciz "zimage: ok slot0="
msg_bad:	.asciz "zimage: bad "
msg_r0:		.asciz "r0\n"
msg_r1:		.asciz "r1\n"
msg_r2:		.asciz "r2\n"
msg_pc:		.asciz "pc\n"
msg_cpsr:	.asciz "cpsr\n"
	.align 2
	.ltorg
_end:
EOF
zimage=
if command -v arm-none-eabi-gcc >/dev/null 2>&1 &&
	arm-none-eabi-gcc -nostdlib -Wl,-Ttext=0 -o "$tmp/z.elf" "$tmp/z.S" 2>"$tmp/as.err" &&
	arm-none-eabi-objcopy -O binary "$tmp/z.elf" "$tmp/zImage"; then
	zimage=$tmp/zImage
else
	skip "zImage-shaped guest: cannot assemble it (arm-none-eabi-gcc missing?) $(head -2 "$tmp/as.err" 2>/dev/null | tr '\n' ' ')"
fi

printf 'captive test disk\n' >"$tmp/disk.img"
truncate -s 1M "$tmp/disk.img"
cp "$tmp/disk.img" "$tmp/ro.img"
chmod 0444 "$tmp/ro.img"

if [ -n "$zimage" ]; then
	expect "zImage entry state (r0, r1, r2, pc, cpsr), no disk" 0 "^zimage: ok slot0=0$" -- \
		$P --kernel "$zimage" --dtb "$dtb" --append "console=ttyAMA0"
	expect "zImage with an initrd and a disk in virtio slot 0" 0 "^zimage: ok slot0=2$" -- \
		$P --kernel "$zimage" --dtb "$dtb" --initrd "$tmp/disk.img" --disk "$tmp/disk.img"
	expect "read-only disk with ,readonly" 0 "^zimage: ok slot0=2$" -- \
		$P --kernel "$zimage" --dtb "$dtb" --disk "$tmp/ro.img,readonly"
	expect "[disk] keys from --set" 0 "^zimage: ok slot0=2$" -- \
		$P --kernel "$zimage" --dtb "$dtb" --set disk.file="$tmp/ro.img" --set disk.readonly=true
	# ---- bad input ----
	head -c 40000 /dev/urandom >"$tmp/junk.dtb"
	head -c 100 "$dtb" >"$tmp/short.dtb"
	expect "zImage without a DTB" 2 "is a Linux zImage and needs a device tree: give --dtb" -- \
		$P --kernel "$zimage"
	expect "DTB that does not parse" 2 "junk.dtb' is not a valid flattened device tree blob" -- \
		$P --kernel "$zimage" --dtb "$tmp/junk.dtb"
	expect "truncated DTB" 2 "short.dtb' is not a valid flattened device tree blob" -- \
		$P --kernel "$zimage" --dtb "$tmp/short.dtb"
	expect "missing DTB" 2 "dtb '$tmp/none.dtb': No such file" -- \
		$P --kernel "$zimage" --dtb "$tmp/none.dtb"
	# The root node's first property given the length 0xfffffff4: libfdt
	# 1.6.1's fdt_check_full() loops forever on it (the fuzzers found it).
	python3 - "$dtb" "$tmp/wrap.dtb" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
p = struct.unpack(">I", b[8:12])[0]
while struct.unpack(">I", b[p:p + 4])[0] != 3:
    p += 4
b[p + 4:p + 8] = struct.pack(">I", 0xfffffff4)
open(sys.argv[2], "wb").write(b)
PY
	expect "DTB property whose length wraps (no hang)" 2 "wrap.dtb' is not a valid flattened device tree blob" -- \
		$P --kernel "$zimage" --dtb "$tmp/wrap.dtb"
	truncate -s 9M "$tmp/big.initrd"
	expect "initrd too large for RAM" 2 "big.initrd' .* is too large for guest RAM" -- \
		$P -m 16M --kernel "$zimage" --dtb "$dtb" --initrd "$tmp/big.initrd"
	if command -v dtc >/dev/null 2>&1; then
		dtc -I dtb -O dts "$dtb" 2>/dev/null |
			sed 's|^};$|\tvirtio_mmio@10013000 { compatible = "virtio,mmio"; };\n};|' |
			dtc -I dts -O dtb -o "$tmp/virtio.dtb" - 2>/dev/null
		expect "DTB that already has virtio-mmio nodes" 2 "already has virtio-mmio nodes" -- \
			$P --kernel "$zimage" --dtb "$tmp/virtio.dtb"
	fi
fi

# ---- the interactive console (a pseudo-terminal) ------------------------------
# A guest that says "ready", then reports each Ctrl-A it receives; the keys
# go through a pty, so captive sees a terminal and enters raw mode.
cat >"$tmp/echo.S" <<'EOF'
	.syntax unified
	.arm
	.global _start
_start:
	ldr	r1, =0x10009000
	adr	r2, ready
1:	ldrb	r0, [r2], #1
	cmp	r0, #0
	beq	2f
	str	r0, [r1]
	b	1b
2:	ldr	r0, [r1, #0x18]			@ UARTFR: wait while RXFE
	tst	r0, #0x10
	bne	2b
	ldr	r0, [r1]
	and	r0, r0, #0xff
	cmp	r0, #1
	bne	2b
	adr	r2, got
	b	1b
ready:	.asciz "ready\n"
got:	.asciz "got ctrl-a\n"
	.align 2
	.ltorg
EOF
echo_elf=
if command -v python3 >/dev/null 2>&1 && command -v arm-none-eabi-gcc >/dev/null 2>&1 &&
	arm-none-eabi-gcc -nostdlib -Wl,-Ttext=0x60000000 -o "$tmp/echo.elf" "$tmp/echo.S" 2>/dev/null; then
	echo_elf=$tmp/echo.elf
else
	skip "console in a terminal: needs python3 and arm-none-eabi-gcc"
fi
# pty_run KEYS SIGNAL -- captive args: runs captive on a pseudo-terminal and,
# once the guest is ready, types KEYS (Python escapes; "|" separates phases,
# and a phase with a Ctrl-A Ctrl-A waits for the guest to report it), then
# sends SIGNAL if any; prints the exit status, whether the terminal was raw
# while captive ran and restored after, and the output.
pty_run() {
	python3 - "$@" <<'PY'
import os, pty, select, signal, sys, termios, time
keys = sys.argv[1].encode().decode("unicode_escape").encode("latin-1")
sig, args = sys.argv[2], sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
out = b""
def pump(secs, until=None):
    global out
    end = time.time() + secs
    while time.time() < end and not (until and until in out):
        if select.select([fd], [], [], 0.1)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            out += data
pump(20, b"ready")
raw = not termios.tcgetattr(fd)[3] & termios.ICANON
for phase in keys.split(b"|"):
    os.write(fd, phase)
    pump(5, b"got ctrl-a" if b"\x01\x01" in phase else None)
if sig:
    os.kill(pid, getattr(signal, sig))
pump(10)
_, status = os.waitpid(pid, 0)
restored = bool(termios.tcgetattr(fd)[3] & termios.ICANON)
print("status=%d raw=%d restored=%d" % (os.waitstatus_to_exitcode(status), raw, restored))
print(out.decode(errors="replace"))
PY
}
if [ -n "$echo_elf" ]; then
	pty_run '\x01\x01|\x01x' '' -- "$CAPTIVE" $P --watchdog 0 --kernel "$echo_elf" >"$tmp/pty" 2>&1
	if grep -q "status=0 raw=1 restored=1" "$tmp/pty" && grep -q "got ctrl-a" "$tmp/pty"; then
		pass "console: raw mode, Ctrl-A Ctrl-A reaches the guest, Ctrl-A x quits with 0 and restores the terminal"
	else
		fail "console Ctrl-A: $(head -3 "$tmp/pty" | tr '\r\n' '  ')"
	fi
	pty_run '' SIGTERM -- "$CAPTIVE" $P --watchdog 0 --kernel "$echo_elf" --disk "$tmp/disk.img" \
		>"$tmp/pty" 2>&1
	if grep -q "status=130 raw=1 restored=1" "$tmp/pty"; then
		pass "console: SIGTERM exits 130 and restores the terminal"
	else
		fail "console SIGTERM: $(head -3 "$tmp/pty" | tr '\r\n' '  ')"
	fi
fi

printf 'neither ELF nor zImage, just some text that is long enough' >"$tmp/junk.bin"
hello=tests/guest/build/hello.elf
expect "kernel neither ELF nor zImage" 2 "is not an ARM ELF executable or a Linux zImage" -- \
	$P --kernel "$tmp/junk.bin"
expect "missing disk file" 2 "disk '$tmp/none.img': No such file" -- \
	$P --kernel "$tmp/junk.bin" --disk "$tmp/none.img"
expect "read-only disk without readonly" 2 "ro.img' is read-only .*--disk $tmp/ro.img,readonly" -- \
	$P --kernel "$tmp/junk.bin" --disk "$tmp/ro.img"
expect "disk that is a directory" 2 "is not a regular file" -- \
	$P --kernel "$tmp/junk.bin" --disk "$tmp"
if [ -f "$hello" ]; then
	expect "ELF guest runs with a disk attached" 0 "Hello" -- \
		$P --kernel "$hello" --disk "$tmp/disk.img"
fi
"$CAPTIVE" --disk "$tmp/ro.img,readonly" --dump-config >"$tmp/cfg" 2>&1
if grep -q "^\[disk\]" "$tmp/cfg" && grep -q "^file = $tmp/ro.img$" "$tmp/cfg" &&
	grep -q "^readonly = true$" "$tmp/cfg"; then
	pass "--disk PATH,readonly sets [disk] file and readonly"
else
	fail "--disk PATH,readonly: --dump-config shows $(grep -A2 '^\[disk\]' "$tmp/cfg" | tr '\n' ' ')"
fi
