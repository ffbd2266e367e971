#!/usr/bin/env bash
# Bad input gets one clear error and the documented exit status, never a crash.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hello=tests/guest/build/hello.elf
P="--set strategy.backend=process"

# expect NAME STATUS PATTERN -- captive args...
expect() {
	local name=$1 want=$2 pattern=$3
	shift 4
	timeout 60 "$CAPTIVE" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -ne "$want" ]; then
		fail "$name: exit status $rc, expected $want; stderr: $(head -3 "$tmp/err" | tr '\n' ' ')"
	elif ! grep -qE -- "$pattern" "$tmp/err"; then
		fail "$name: stderr does not match /$pattern/: $(head -3 "$tmp/err" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

printf '[strategy]\nbackend = kvm\nfrobnicate = 1\n' >"$tmp/unknown-key.ini"
printf '[strategy]\nmmu = magic\n' >"$tmp/bad-value.ini"
printf '[guest]\nthis line is not ini\n' >"$tmp/malformed.ini"
printf 'not an elf at all' >"$tmp/junk.bin"
printf '[guest]\ncmdline = %0250d\n' 0 >"$tmp/long.ini"
cp /bin/true "$tmp/x86.elf"
head -c 100 "$hello" >"$tmp/truncated.elf" 2>/dev/null

expect "missing config file" 2 "config file '$tmp/nope.ini': No such file" -- -c "$tmp/nope.ini"
expect "unknown key names file and line" 2 "unknown-key.ini:3: unknown key 'strategy.frobnicate'" -- -c "$tmp/unknown-key.ini"
expect "bad value lists allowed values" 2 "bad-value.ini:2: strategy.mmu = 'magic' is not valid; allowed: softtlb\|hwmirror" -- -c "$tmp/bad-value.ini"
expect "malformed ini line" 2 "malformed.ini:2: malformed line" -- -c "$tmp/malformed.ini"
expect "ini line longer than the reader's buffer" 2 "long.ini:2: line longer than 198 characters" -- -c "$tmp/long.ini"
expect "--set without a dot" 2 "expected section.key=value" -- --set backend=kvm
expect "--set unknown strategy" 2 "strategy.exec = 'turbo' is not valid; allowed: interp\|jit" -- --set strategy.exec=turbo
expect "memory too large" 2 "guest.memory = '2G' is not valid" -- $P -m 2G --kernel "$hello"
expect "memory not a size" 2 "guest.memory = 'lots' is not valid" -- $P -m lots --kernel "$hello"
expect "unknown option" 2 "unknown option '--frob'" -- --frob
expect "no kernel" 2 "no guest kernel" -- $P
expect "missing kernel file" 2 "kernel '$tmp/none.elf': No such file" -- $P --kernel "$tmp/none.elf"
expect "kernel not an ELF" 2 "is not an ARM ELF" -- $P --kernel "$tmp/junk.bin"
expect "x86 ELF as kernel" 2 "not a 32-bit little-endian ARM one" -- $P --kernel "$tmp/x86.elf"
expect "truncated ELF" 2 "corrupt|outside the file" -- $P --kernel "$tmp/truncated.elf"
# An installation without mmu-hwmirror.so: a copy of captive with only softtlb beside it.
mkdir -p "$tmp/inst/plugins"
cp "$CAPTIVE" "$tmp/inst/captive"
for so in "$BUILD"/plugins/*.so; do
	case $so in */mmu-hwmirror.so) ;; *) cp "$so" "$tmp/inst/plugins/" ;; esac
done
CAPTIVE="$tmp/inst/captive" expect "strategy not installed" 2 "mmu strategy 'hwmirror' is not installed.*installed mmu strategies: softtlb" -- $P --set strategy.mmu=hwmirror --kernel "$hello"
rm -rf "$tmp/inst"
CAPTIVE_PLUGIN_PATH="$tmp" expect "plugin search path honoured" 0 "" -- $P --kernel "$hello"
cp "$BUILD"/plugins/io-barrier.so "$tmp/io-mmio-exit.so"
CAPTIVE_PLUGIN_PATH="$tmp" expect "plugin with the wrong identity" 2 "describes itself as io strategy 'barrier', expected io strategy 'mmio-exit'" -- $P --kernel "$hello"
cp /bin/true "$tmp/mmu-softtlb.so"
CAPTIVE_PLUGIN_PATH="$tmp" expect "plugin that is not a shared object" 2 "mmu-softtlb.so cannot be loaded" -- $P --kernel "$hello"
rm -f "$tmp"/*.so

expect "-m with a bare number is MiB, as QEMU's" 0 "" -- $P -m 512 --kernel "$hello"
expect "guest.memory with a bare number" 0 "" -- $P --set guest.memory=64 --kernel "$hello"
expect "memory in bytes below the minimum" 2 "guest.memory = '4096B' is not valid" -- $P -m 4096B --kernel "$hello"

# The default watchdog stops only what is provably stuck; a guest that
# computes with interrupts masked and no device access runs to its end.
expect "default catches a branch to itself with IRQ and FIQ masked" 4 "stuck" -- \
	$P --kernel tests/guest/build/neg/hang.elf
expect "--watchdog stops a long masked computation when asked" 4 "watchdog: the guest made no progress for 1 s" -- \
	$P --set strategy.exec=interp --watchdog 1 --kernel tests/guest/build/neg/busy.elf
t0=$(date +%s%N)
expect "default watchdog lets a long masked computation finish" 0 "" -- \
	$P --set strategy.exec=interp --kernel tests/guest/build/neg/busy.elf
t1=$(date +%s%N)
if ! grep -q "busy: done, checksum" "$tmp/out"; then
	fail "long masked computation printed no result: $(head -c 200 "$tmp/out")"
elif [ $(((t1 - t0) / 1000000)) -lt 2500 ]; then
	fail "long masked computation took only $(((t1 - t0) / 1000000)) ms: it no longer outlasts --watchdog 1, make it longer"
else
	pass "long masked computation ran $(((t1 - t0) / 1000000)) ms, past the 1 s limit, unstopped"
fi
