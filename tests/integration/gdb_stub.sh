#!/usr/bin/env bash
# The gdb stub (--gdb, --gdb-wait) driven by Debian's gdb-multiarch on every
# usable backend: break at a function, pc and a register against the ELF,
# stepi (through a Thumb IT block too), memory read and write, device and
# unmapped addresses refused, continue to the program's normal end with its
# output unchanged; then the protocol's bad input (gdb_proto.py).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh

tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
G=tests/guest
NM=arm-none-eabi-nm
if ! command -v gdb-multiarch >/dev/null; then
	fail "gdb-multiarch is not installed (scripts/setup-deps.sh installs it)"
	exit 0
fi

sym() { $NM "$1" | awk -v s="$2" '$3 == s { print $1 }'; }
symsize() { $NM -S "$1" | awk -v s="$2" '$4 == s { print $2 }'; }

# start_captive LOG ARGS...: captive in the background on a free port; sets
# port and cpid.
start_captive() {
	local log=$1
	shift
	"$CAPTIVE" --gdb 0 "$@" >"$log.out" 2>"$log.err" &
	cpid=$!
	port=
	for _ in $(seq 100); do
		port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log.err")
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	fail "captive printed no gdb port: $(head -3 "$log.err" | tr '\n' ' ')"
	return 1
}

# finish_captive NAME GOLDEN: captive ends by itself, status 0, golden output.
finish_captive() {
	local name=$1 golden=$2 rc
	for _ in $(seq 300); do
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$cpid" 2>/dev/null; then
		kill "$cpid"
		fail "$name: captive still running 30 s after the debugger let go"
		return
	fi
	wait "$cpid"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name: captive exited $rc: $(grep -v '^ ' "$tmp/$name.err" | head -3 | tr '\n' ' ')"
	elif [ -n "$golden" ] && ! cmp -s "$golden" "$tmp/$name.out"; then
		fail "$name: guest output differs from $golden under the debugger"
	else
		pass "$name: the guest ran to its normal end, output unchanged"
	fi
}

# check NAME PATTERN: gdb's transcript has the line.
check() {
	if grep -qE -- "$2" "$tmp/gdb.log"; then
		pass "$1"
	else
		fail "$1: /$2/ not in gdb's output: $(tail -5 "$tmp/gdb.log" | tr '\n' ' ')"
	fi
}

gdb_run() {
	timeout 60 gdb-multiarch -batch -nx -ex "set pagination off" \
		-ex "target remote 127.0.0.1:$port" "$@" >"$tmp/gdb.log" 2>&1
}

for combo in $(for be in $(usable_backends); do for ex in $(usable_execs); do echo $be/$ex; done; done); do
	backend=${combo%/*}
	ex=${combo#*/}
	P="--set strategy.backend=$backend --set strategy.exec=$ex"
	b="[$combo]"

	# ---- an ARM program: hello ----
	elf=$G/build/hello.elf
	main=$((16#$(sym $elf main)))
	start=$((16#$(sym $elf _start)))
	start_end=$((start + 16#$(symsize $elf _start)))
	word=$(arm-none-eabi-objdump -d --start-address=$main --stop-address=$((main + 4)) $elf |
		awk '/^ *[0-9a-f]+:/ { print $2; exit }')
	start_captive "$tmp/hello" $P --gdb-wait --kernel $elf || continue
	gdb_run -ex "break *main" -ex "continue" \
		-ex 'printf "PC=%x\n", $pc' -ex 'printf "LR=%x\n", $lr' \
		-ex "stepi" -ex 'printf "STEP=%x\n", $pc' \
		-ex 'printf "WORD=%08x\n", *(unsigned int *)main' \
		-ex "set {unsigned int}0x60800000 = 0x5eed1234" \
		-ex 'printf "RAM=%08x\n", *(unsigned int *)0x60800000' \
		-ex "x/1xw 0x10009000" \
		-ex "break *0x4" -ex "continue" -ex "delete" \
		-ex "continue" $elf
	check "$b gdb waits at boot and stops at main (0x$(printf %x $main))" "^PC=$(printf %x $main)$"
	lr=$(sed -n 's/^LR=//p' "$tmp/gdb.log")
	if [ -n "$lr" ] && [ $((16#$lr)) -ge $start ] && [ $((16#$lr)) -lt $start_end ]; then
		pass "$b lr at main returns into _start (0x$lr)"
	else
		fail "$b lr at main is '${lr}', not inside _start"
	fi
	check "$b stepi advances one ARM instruction" "^STEP=$(printf %x $((main + 4)))$"
	check "$b memory read through the stub matches the ELF" "^WORD=$word$"
	check "$b memory write then read back" "^RAM=5eed1234$"
	check "$b a device address is not read" "Cannot access memory at address 0x10009000"
	check "$b a breakpoint on unmapped memory is refused" "Cannot insert breakpoint"
	check "$b gdb sees the guest exit" "exited normally"
	finish_captive hello $G/golden/hello.out

	# ---- a Thumb-2 program: step through IT blocks ----
	elf=$G/build/thumb.elf
	it=$((16#$(sym $elf t_it_work)))
	head=$((it + 8)) last=$((it + 0x3c))
	want=$(arm-none-eabi-objdump -d --start-address=$head --stop-address=$((last + 1)) $elf |
		awk '/^ *[0-9a-f]+:/ { sub(":", "", $1); printf "%s ", $1 }')
	n=$(wc -w <<<"$want")
	start_captive "$tmp/thumb" $P --gdb-wait --kernel $elf || continue
	steps=()
	for _ in $(seq $((n - 1))); do steps+=(-ex stepi -ex 'printf "PC=%x\n", $pc'); done
	gdb_run -ex "break *$head" -ex "continue" -ex 'printf "PC=%x\n", $pc' \
		-ex 'printf "R0IN=%x\n", $r0' -ex 'printf "R4=%x\n", $r4' "${steps[@]}" \
		-ex "delete" -ex "continue" $elf
	got=$(sed -n 's/^PC=//p' "$tmp/gdb.log" | tr '\n' ' ')
	if [ "$got" = "$want" ]; then
		pass "$b stepi visits every instruction of the IT blocks, condition passed or not ($n steps)"
	else
		fail "$b stepi through IT blocks: got [$got], want [$want]"
	fi
	# r0 after ite cs / eorcs / movcc, computed from the architecture's rule
	r0=$(sed -n 's/^R0IN=//p' "$tmp/gdb.log")
	r4=$(sed -n 's/^R4=//p' "$tmp/gdb.log")
	if [ -n "$r0" ] && [ -n "$r4" ]; then
		r3=$(((16#$r0 << 1) & 0xffffffff))
		if [ $((16#$r0 >> 31)) -eq 1 ]; then exp=$((r3 ^ 16#$r4)); else exp=$r3; fi
		start_captive "$tmp/thumb2" $P --gdb-wait --kernel $elf || continue
		gdb_run -ex "break *$head" -ex "continue" -ex stepi -ex stepi -ex stepi -ex stepi \
			-ex 'printf "PC=%x R0=%x\n", $pc, $r0' -ex "delete" -ex "continue" $elf
		check "$b conditional pair in an IT block computes as the ARM ARM says" \
			"^PC=$(printf %x $((head + 10))) R0=$(printf %x $exp)$"
		finish_captive thumb2 $G/golden/thumb.out
	else
		fail "$b no r0/r4 at the IT loop head"
	fi
	finish_captive thumb $G/golden/thumb.out

	# ---- the protocol's bad input, on a running guest ----
	elf=$G/build/neg/spin.elf
	main=$((16#$(sym $elf main)))
	start_captive "$tmp/proto" $P --kernel $elf || continue
	python3 tests/integration/gdb_proto.py "$port" "$(printf %x $main)" \
		"$(printf %x $((main + 16#$(symsize $elf main))))" "$(sym $elf release)" \
		>"$tmp/proto.res" 2>&1
	rc=$?
	sed "s#^\(PASS\|FAIL\): #\1: $b #" "$tmp/proto.res" | grep -E '^(PASS|FAIL):'
	[ $rc = 0 ] || fail "$b gdb_proto.py failed (status $rc): $(grep -v -E '^(PASS|FAIL):' "$tmp/proto.res" | tail -3 | tr '\n' ' ')"
	finish_captive proto ""
	if grep -q "spin: released" "$tmp/proto.out"; then
		pass "$b after a disconnect mid-run the guest computes on to its result"
	else
		fail "$b no result after the debugger disconnected: $(head -c 200 "$tmp/proto.out")"
	fi
done
if [ -n "$(kvm_unusable_reason)" ]; then
	skip "gdb stub on the kvm backend: $(kvm_unusable_reason)"
fi
