#!/usr/bin/env bash
# run.jit_log and run.perf_map under exec=jit on the process backend (and
# the translation-time counter): the log
# holds every translated block (header, guest code, host code), the perf map
# names each block's host code after its guest address, one line per block;
# a log path that cannot be written is one clear error; exec=interp takes
# both keys and leaves only a note in the log.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

tmp=$(mktemp -d)
maps=()
cleanup() {
	rm -rf "$tmp"
	[ ${#maps[@]} -eq 0 ] || rm -f "${maps[@]}"
}
trap cleanup EXIT

if ! grep -qw jit <<<"$(usable_execs)"; then
	skip "jit log: no hosted exec=jit engine build in $BUILD/engine/process"
	exit 0
fi

# run NAME ELF captive-args...: captive as a direct child of a shell that
# writes its own pid (which exec keeps) first, so the perf map's name is
# known; sets $rc and $pid.
run() {
	local name=$1 elf=$2
	shift 2
	timeout 120 bash -c 'echo $$ >"$0"; exec "$@"' "$tmp/$name.pid" \
		"$CAPTIVE" -c configs/jit-process.ini --timeout 60 "$@" --kernel "$elf" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	pid=$(cat "$tmp/$name.pid" 2>/dev/null)
	[ -z "$pid" ] || maps+=("/tmp/perf-$pid.map")
}

header_re='^block [0-9]+: va 0x[0-9a-f]{8} pa 0x[0-9a-f]{8,} (A32|T32) insns [0-9]+ guest bytes [0-9]+ host 0x[0-9a-f]+ len [0-9]+'
a32_re='^    0x[0-9a-f]{8}:  [0-9a-f]{8} +'
t32_re='^    0x[0-9a-f]{8}:  [0-9a-f]{4}( [0-9a-f]{4})? +'
x86_re='^    0x[0-9a-f]{12}:  [0-9a-f]{2}( [0-9a-f]{2})* +'
map_re='^[0-9a-f]+ [0-9a-f]+ guest_[0-9a-f]{8}_(A32|T32)(_slow)?$'

# check_run NAME ELF SET MNEMONIC...: the run ended as the golden output
# says, its log has blocks of instruction set SET (A32|T32) and each guest
# MNEMONIC, its perf map one well-formed line per block of the log.
check_run() {
	local name=$1 elf=$2 set=$3
	shift 3
	local log=$tmp/$name.log golden=tests/guest/golden/$name.out
	if [ ! -f "$elf" ]; then
		fail "jit log [$name]: $elf was not built"
		return
	fi
	run "$name" "$elf" --set run.jit_log="$log" --set run.perf_map=true
	local map=/tmp/perf-$pid.map
	if [ $rc -ne 0 ]; then
		fail "jit log [$name]: exit status $rc; stderr: $(tail -3 "$tmp/$name.err" | tr '\n' ' ')"
		return
	fi
	if [ -f "$golden" ] && ! cmp -s "$tmp/$name.out" "$golden"; then
		fail "jit log [$name]: the guest's output changed: $(diff "$golden" "$tmp/$name.out" | head -5 | tr '\n' ' ')"
	else
		pass "jit log [$name]: the guest runs as without the keys"
	fi
	local blocks
	blocks=$(grep -cE "$header_re" "$log" 2>/dev/null)
	local re=$a32_re
	[ "$set" = T32 ] && re=$t32_re
	if [ "${blocks:-0}" -eq 0 ]; then
		fail "jit log [$name]: no block header in $log: $(head -3 "$log" 2>/dev/null | tr '\n' ' ')"
	elif ! grep -qE "$header_re" "$log" || ! grep -E "$header_re" "$log" | grep -q " $set "; then
		fail "jit log [$name]: no $set block"
	elif ! grep -q '^  ir: none' "$log"; then
		fail "jit log [$name]: no line saying there is no IR"
	else
		pass "jit log [$name]: $blocks block headers, $set blocks among them"
	fi
	local m
	for m in "$@"; do
		if grep -qE "$re$m( |$)" "$log"; then
			pass "jit log [$name]: guest '$m' disassembled with address and encoding"
		else
			fail "jit log [$name]: no guest '$m' line matching /$re$m/"
		fi
	done
	# loads and stores have slow paths, out of line under their own heading
	local cold
	cold=$(grep -c '^  host, out of line (slow paths) (x86-64, [0-9]* bytes):$' "$log")
	if [ "$cold" -gt 0 ] &&
		awk '/^  host, out of line/ { s = 1; next } /^  / && !/^    / { s = 0 } s && / call / { n++ } END { exit !n }' "$log"; then
		pass "jit log [$name]: $cold blocks' slow paths disassembled, helper calls among them"
	else
		fail "jit log [$name]: no slow-path section with a helper call ($cold sections)"
	fi
	if [ -f "$map" ] && [ "$(grep -c '_slow$' "$map")" -ne "$cold" ]; then
		fail "perf map [$name]: $(grep -c '_slow$' "$map") slow-path lines for $cold slow-path sections in the log"
	fi
	for m in mov jmp; do
		if grep -qE "$x86_re$m( |$)" "$log"; then
			pass "jit log [$name]: host x86-64 '$m' disassembled"
		else
			fail "jit log [$name]: no host '$m' line matching /$x86_re$m/"
		fi
	done
	if [ ! -f "$map" ]; then
		fail "perf map [$name]: $map was not written"
		return
	fi
	local lines bad
	# one line per block, and one for the slow paths of each block that has some
	lines=$(grep -cv '_slow$' "$map")
	bad=$(grep -cvE "$map_re" "$map")
	if [ "$bad" -ne 0 ]; then
		fail "perf map [$name]: $bad malformed lines, e.g. $(grep -vE "$map_re" "$map" | head -1)"
	elif [ "$lines" -ne "$blocks" ]; then
		fail "perf map [$name]: $lines lines for $blocks blocks in the log"
	else
		# the first block, as both files say it
		local first want
		first=$(grep -m1 -E "$header_re" "$log" |
			sed -E 's/^block 1: va 0x([0-9a-f]+) .* (A32|T32) .* host 0x([0-9a-f]+) len ([0-9]+).*/\3 \4 \1 \2/')
		read -r h l v s <<<"$first"
		want=$(printf '%s %x guest_%s_%s' "$h" "$l" "$v" "$s")
		if [ "$(head -1 "$map")" = "$want" ]; then
			pass "perf map [$name]: one line per block, the first one '$want'"
		else
			fail "perf map [$name]: first line '$(head -1 "$map")', the log says '$want'"
		fi
	fi
}

check_run hello tests/guest/build/hello.elf A32 msr mcr ldr
check_run thumb tests/guest/build/thumb.elf T32 push pop

hello=tests/guest/build/hello.elf

# Without the keys: no map, nothing asked of the engine.
run plain "$hello"
if [ $rc -ne 0 ]; then
	fail "jit without the keys: exit status $rc"
elif [ -e "/tmp/perf-$pid.map" ]; then
	fail "jit without run.perf_map wrote /tmp/perf-$pid.map"
else
	pass "jit without the keys writes no perf map"
fi

# A log path that cannot be written: one error naming it, exit 2.
run unwritable "$hello" --set run.jit_log="$tmp/no/such/dir/jit.log"
if [ $rc -ne 2 ]; then
	fail "unwritable run.jit_log: exit status $rc, expected 2"
elif ! grep -q "run.jit_log: cannot write '$tmp/no/such/dir/jit.log': No such file or directory" "$tmp/unwritable.err"; then
	fail "unwritable run.jit_log: stderr: $(head -3 "$tmp/unwritable.err" | tr '\n' ' ')"
else
	pass "unwritable run.jit_log: clear error, exit 2"
fi
run notbool "$hello" --set run.perf_map=sometimes
if [ $rc -ne 2 ] || ! grep -q "run.perf_map = 'sometimes' is not valid; allowed: true|false" "$tmp/notbool.err"; then
	fail "run.perf_map=sometimes: exit status $rc; stderr: $(head -3 "$tmp/notbool.err" | tr '\n' ' ')"
else
	pass "run.perf_map takes only a bool"
fi

# exec=interp translates nothing: both keys accepted, a note in the log and
# on stderr, no map.
run interp "$hello" --set strategy.exec=interp --set run.jit_log="$tmp/interp.log" --set run.perf_map=true
if [ $rc -ne 0 ]; then
	fail "exec=interp with the keys: exit status $rc; stderr: $(tail -3 "$tmp/interp.err" | tr '\n' ' ')"
elif ! grep -q '^# captive jit log: no blocks follow: strategy.exec=interp' "$tmp/interp.log" ||
	grep -qE "$header_re" "$tmp/interp.log"; then
	fail "exec=interp: the log is not just the note: $(head -3 "$tmp/interp.log" | tr '\n' ' ')"
elif ! grep -q 'warning: run.jit_log: this exec strategy translates no code' "$tmp/interp.err" ||
	! grep -q 'warning: run.perf_map: this exec strategy translates no code; no perf map is written' "$tmp/interp.err"; then
	fail "exec=interp: no warnings on stderr: $(head -3 "$tmp/interp.err" | tr '\n' ' ')"
elif [ -e "/tmp/perf-$pid.map" ]; then
	fail "exec=interp wrote /tmp/perf-$pid.map"
else
	pass "exec=interp takes both keys: a note in the log, a warning each, no perf map"
fi

# The JIT's translation time: counted in time-stamp-counter ticks by the
# engine (jit_translate_tsc), printed by the host in nanoseconds under
# jit_translate_ns, more than nothing and no more than the run's wall time.
run timed "$hello" --stats-json "$tmp/timed.json"
if [ $rc -ne 0 ]; then
	fail "translation time: exit status $rc; stderr: $(tail -3 "$tmp/timed.err" | tr '\n' ' ')"
elif ! verdict=$(python3 - "$tmp/timed.json" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counters"]
if "jit_translate_tsc" in c:
    sys.exit("jit_translate_tsc printed as ticks")
ns = c.get("jit_translate_ns")
if ns is None:
    sys.exit("no jit_translate_ns counter")
if not 0 < ns <= d["wall_s"] * 1e9:
    sys.exit(f"jit_translate_ns {ns} outside (0, wall {d['wall_s']} s]")
print(f"{ns / 1e6:.2f} ms of {d['wall_s'] * 1e3:.1f} ms, {c['jit_blocks']} blocks")
PY
); then
	fail "translation time: $verdict"
else
	pass "translation time in ns: $verdict"
fi
