#!/usr/bin/env bash
# The kvm backend end to end: `captive --probe` prints every row with numbers,
# a broken engine image is refused with a clear error, and the hello guest
# runs under kvm with exactly QEMU's output. Where /dev/kvm cannot be opened
# this prints one loud SKIP line and passes.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

if [ ! -e /dev/kvm ]; then
	skip "kvm: /dev/kvm does not exist"
	exit 0
fi
if ! { exec 9<>/dev/kvm; } 2>/dev/null; then
	skip "kvm: /dev/kvm cannot be opened by $(id -un) (permission?)"
	exit 0
fi
exec 9>&-

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- --probe: every row present, every value a number --------------------
if ! timeout 120 "$CAPTIVE" --probe >"$tmp/probe" 2>"$tmp/probe.err"; then
	fail "kvm: captive --probe exited non-zero: $(tail -3 "$tmp/probe.err" | tr '\n' ' ')"
elif note=$(grep -o "KVM could not be measured on this host: .* \*\*\*" "$tmp/probe"); then
	# /dev/kvm opened but is not a usable KVM device: a property of the host
	note=${note#KVM could not be measured on this host: }
	skip "kvm: ${note% \*\*\*}"
	exit 0
else
	ok=1
	num='[0-9]+(\.[0-9]+)?'
	for row in "kvm: port-I/O exit round trip from CPL0" \
		"kvm: port-I/O exit round trip from CPL3" \
		"kvm: MMIO exit round trip from CPL3" \
		"kvm: exception round trip CPL3->CPL0->CPL3 (ud2/iretq)" \
		"kvm: CPL3 page fault fixed by a CPL0 handler" \
		"kvm: CR3 reload at CPL0" \
		"kvm: INVLPG at CPL0" \
		"kvm: register-loop iteration at CPL0" \
		"kvm: register-loop iteration at CPL3" \
		"process: SIGSEGV + mmap(MAP_FIXED) round trip"; do
		line=$(grep -F -- "$row" "$tmp/probe")
		if ! grep -Eq -- " $num +$num\$" <<<"$line"; then
			fail "kvm: --probe row '$row' missing or not numeric: '$line'"
			ok=0
		fi
	done
	if ! grep -Eq "^kvm: CPL0/CPL3 slowdown of the register loop +$num"x "$tmp/probe"; then
		fail "kvm: --probe lacks the CPL0/CPL3 ratio row"
		ok=0
	fi
	for row in "kvm: syscall+sysretq round trip from CPL3" \
		"kvm: syscall+iretq round trip from CPL3" \
		"kvm: page fault delivered to a CPL3 handler" \
		"kvm: page-table write at CPL3, then access" \
		"kvm: page-table write at CPL0, then access"; do
		if ! grep -Eq -- "^${row//+/[+]} +($num +$num|unusable here: .+)\$" \
			"$tmp/probe"; then
			fail "kvm: --probe row '$row' missing or malformed"
			ok=0
		fi
	done
	if grep -q "^cpu: \(Intel\|AMD\|other\)" "$tmp/probe" && [ $ok = 1 ]; then
		pass "kvm: captive --probe prints every measurement"
	elif [ $ok = 1 ]; then
		fail "kvm: --probe does not say which CPU vendor this is"
	fi
fi

# ---- the guest under kvm ----------------------------------------------------
engine=
for e in "$BUILD"/engine/kvm/*.elf; do
	[ -f "$e" ] && engine=$e && break
done
if [ -z "$engine" ]; then
	skip "kvm: no bare-metal engine build in $BUILD/engine/kvm"
	exit 0
fi

# A wrong engine image must be refused with a clear error, not run: a copy
# of captive whose engine build (found next to the executable) is an ARM ELF.
if [ -f tests/guest/build/hello.elf ]; then
	mkdir -p "$tmp/bad/engine/kvm"
	cp "$CAPTIVE" "$tmp/bad/captive"
	cp tests/guest/build/hello.elf "$tmp/bad/engine/kvm/$(basename "$engine")"
	pair=$(basename "$engine" .elf)
	CAPTIVE_PLUGIN_PATH=$PWD/$BUILD/plugins timeout 60 "$tmp/bad/captive" \
		-c configs/baseline.ini --set strategy.backend=kvm \
		--set strategy.mmu="${pair%%-*}" --set strategy.exec="${pair#*-}" \
		--kernel tests/guest/build/hello.elf >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "not an x86-64 ELF" "$tmp/bad.err"; then
		pass "kvm: an ARM ELF as engine image is refused"
	else
		fail "kvm: ARM ELF as engine image: exit $rc, stderr: $(head -3 "$tmp/bad.err" | tr '\n' ' ')"
	fi
fi

golden=tests/guest/golden/hello.out
elf=tests/guest/build/hello.elf
if [ ! -f "$elf" ] || [ ! -f "$golden" ]; then
	fail "kvm: $elf or $golden missing (make guest)"
	exit 0
fi
timeout 120 "$CAPTIVE" -c configs/baseline.ini --set strategy.backend=kvm --timeout 60 \
	--kernel "$elf" >"$tmp/hello.out" 2>"$tmp/hello.err"
rc=$?
if [ $rc -ne 0 ]; then
	fail "kvm: hello exit status $rc; stderr: $(tail -5 "$tmp/hello.err" | tr '\n' ' ')"
elif ! cmp -s "$tmp/hello.out" "$golden"; then
	fail "kvm: hello output differs from QEMU's golden: $(diff "$golden" "$tmp/hello.out" | head -5 | tr '\n' ' ')"
else
	pass "kvm: hello under the kvm backend matches QEMU"
fi
