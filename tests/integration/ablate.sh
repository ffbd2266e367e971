#!/usr/bin/env bash
# bench/ablate.py end to end, small and fast: two mech programs at 100000
# iterations, two rounds, the sides baseline-process and baseline-per-block
# (its process twin where KVM is unusable), auto, a side naming a strategy
# that is not installed, and a side that runs another program (so it prints
# something else: a wrong-output failure). Checks the report (HTML with SVG
# and tables), resumption after the study is killed mid-run (no duplicate
# records, all of them there in the end), a torn last record dropped,
# auto resolved and printed, and bad input (unknown config or workload, a
# study directory of another version or half-written). Also captive's own
# side: `auto` accepted for strategy keys, --probe --stats-json.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
# bench/ablate.py runs $CAPTIVE (the build under test: build/san/captive
# under SANITIZE=), not its default build/captive
export CAPTIVE

qemu=${QEMU:-qemu-system-arm}
for tool in "$qemu" arm-none-eabi-gcc python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "ablate: $tool is not installed"
		exit 0
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CAPTIVE_PROBE_CACHE="$tmp/probe-cache.json"

# ---- captive: auto and the probe's JSON
if "$CAPTIVE" --probe --stats-json "$tmp/probe.json" >"$tmp/probe.txt" 2>"$tmp/err" &&
	grep -q '"handoff"' "$tmp/probe.json" && grep -q '"format": 3' "$tmp/probe.json" && grep -q '"unmap_spinning"' "$tmp/probe.json"; then
	pass "ablate: captive --probe --stats-json writes the probe's numbers"
else
	fail "ablate: captive --probe --stats-json: $(tail -3 "$tmp/err" | tr '\n' ' ')"
fi
if timeout 60 "$CAPTIVE" -c configs/auto.ini --kernel tests/guest/build/hello.elf \
	--stats-json "$tmp/auto.json" </dev/null >"$tmp/out" 2>"$tmp/err" &&
	grep -q '^captive: auto: strategy.backend = ' "$tmp/err" &&
	grep -q '^captive: auto: strategy.io = ' "$tmp/err" &&
	grep -q '"auto": {' "$tmp/auto.json" && [ -s "$CAPTIVE_PROBE_CACHE" ]; then
	pass "ablate: configs/auto.ini resolved, printed ($(grep -c '^captive: auto: strategy' "$tmp/err") axes), in the stats JSON, probe cached"
else
	fail "ablate: configs/auto.ini: $(tail -4 "$tmp/err" | tr '\n' ' ')"
fi
# auto's mmu follows the probe: hwmirror with the JIT on process only where a
# host fault is cheap (a cached probe saying 1 us), softtlb where it is not
# (30 us); both read from the cache, measured nothing.
if [ -f "$BUILD/plugins/mmu-hwmirror.so" ] && [ -f "$BUILD/plugins/exec-jit.so" ] &&
	[ -f "$BUILD/engine/process/hwmirror-jit.so" ] && [ -s "$CAPTIVE_PROBE_CACHE" ]; then
	mmu_for() {
		sed -E "s/\"segv\": [0-9.]+/\"segv\": $1/" "$tmp/probe-cache.json.real" >"$CAPTIVE_PROBE_CACHE"
		timeout 60 "$CAPTIVE" -c configs/auto.ini --set strategy.backend=process \
			--kernel tests/guest/build/hello.elf </dev/null 2>&1 >/dev/null |
			sed -n 's/^captive: auto: strategy.mmu = \([a-z]*\).*/\1/p'
	}
	cp "$CAPTIVE_PROBE_CACHE" "$tmp/probe-cache.json.real"
	cheap=$(mmu_for 1000.0) dear=$(mmu_for 30000.0)
	cp "$tmp/probe-cache.json.real" "$CAPTIVE_PROBE_CACHE"
	if [ "$cheap" = hwmirror ] && [ "$dear" = softtlb ]; then
		pass "ablate: auto picks hwmirror where a host fault costs 1 us, softtlb at 30 us"
	else
		fail "ablate: auto's mmu by the probe's fault cost: 1 us gave '$cheap', 30 us gave '$dear'"
	fi
fi
if "$CAPTIVE" --set strategy.irq=sometimes --dump-config >/dev/null 2>"$tmp/err" ||
	! grep -q 'allowed: per-insn|per-block|auto' "$tmp/err"; then
	fail "ablate: a bad strategy value should list auto among the allowed: $(cat "$tmp/err")"
elif "$CAPTIVE" --set guest.platform=auto --dump-config >/dev/null 2>&1; then
	fail "ablate: auto is accepted for a key outside strategy.*"
else
	pass "ablate: auto is allowed for strategy.* keys only"
fi

# ---- the study
if ! make -s --no-print-directory -C bench MECH_ITERS=100000 MECH_OUT="$tmp/mech" \
	"$tmp/mech/svc.elf" "$tmp/mech/device.elf" >"$tmp/build.log" 2>&1; then
	fail "ablate: building the mech programs failed: $(tail -5 "$tmp/build.log" | tr '\n' ' ')"
	exit 1
fi
study="$tmp/study"
sides=(baseline-process baseline-per-block auto "baseline-process,strategy.exec=jit"
	"baseline-process,guest.kernel=$tmp/mech/svc.elf")
args=(--dir "$study" --mech-dir "$tmp/mech" --workloads mech:svc,mech:device
	--seed 7 --min-rounds 2 --max-rounds 2 --timeout 60)
t0=$(date +%s)

# interrupted mid-study: SIGTERM once a few runs are recorded
bench/ablate.py "${args[@]}" "${sides[@]}" >"$tmp/run1.out" 2>"$tmp/run1.err" &
pid=$!
for _ in $(seq 1 300); do
	n=$(cat "$study"/results-*.jsonl 2>/dev/null | wc -l)
	[ "$n" -ge 4 ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
kill -TERM $pid 2>/dev/null
wait $pid
before=$(cat "$study"/results-*.jsonl 2>/dev/null | wc -l)
# and a record torn by a crash in the middle of its write
printf '{"host": "torn' >>"$(ls "$study"/results-*.jsonl)"

bench/ablate.py "${args[@]}" "${sides[@]}" >"$tmp/run2.out" 2>"$tmp/run2.err"
rc=$?
secs=$(($(date +%s) - t0))
results=$(ls "$study"/results-*.jsonl)
dups=$(python3 -c '
import json, sys, collections
c = collections.Counter()
for l in open(sys.argv[1]):
    r = json.loads(l); c[(r["side"], r["workload"], r["round"])] += 1
print(sum(v - 1 for v in c.values()))' "$results" 2>&1)
total=$(wc -l <"$results")
# 2 workloads x 2 rounds x (QEMU + 4 runnable sides), less what a failure
# stops: the not-installed side runs once per workload, the wrong one
# stops at its first wrong run on device (svc is its own program: right)
if [ "$before" -ge 1 ] && [ "$before" -lt "$total" ] && [ "$dups" = 0 ] &&
	grep -q 'dropping a half-written last record' "$tmp/run2.err" && [ "$total" -ge 15 ]; then
	pass "ablate: killed after $before records, resumed to $total, no duplicates, the torn record dropped"
else
	fail "ablate: resume: before $before, after $total, duplicates $dups: $(tail -5 "$tmp/run2.err" | tr '\n' ' ')"
fi
# (A not-installed side is no longer checked here: every strategy the config
# accepts is installed since exec=jit exists.)
if [ $rc -eq 1 ] && grep -q 'wrong-output' "$tmp/run2.out"; then
	pass "ablate: the side running another program is a wrong-output failure (exit 1); the jit side runs"
else
	fail "ablate: wrong output / not installed not reported (exit $rc): $(tail -12 "$tmp/run2.out" | tr '\n' ' ')"
fi
if grep -q '\[process twin\]' "$tmp/run2.out" || [ -z "$(kvm_unusable_reason)" ]; then
	pass "ablate: kvm sides run as process twins where KVM is unusable"
else
	fail "ablate: no process twin in the table: $(head -5 "$tmp/run2.out" | tr '\n' ' ')"
fi
report="$study/report.html"
if [ -s "$report" ] && grep -q '<svg' "$report" && grep -q '<table>' "$report" &&
	grep -q 'Per axis' "$report" && grep -q 'resolved to:' "$report" && grep -q 'within?' "$report"; then
	pass "ablate: report.html with SVG charts, tables, the irq axis and auto against the fastest"
else
	fail "ablate: report.html missing or incomplete"
fi
if grep -q '"seed": 7' "$study/study.json" && grep -q 'order seeded by 7' "$tmp/run2.err" &&
	grep -q 'steal' "$study"/results-*.csv; then
	pass "ablate: manifest, printed seed, steal and load in every record"
else
	fail "ablate: manifest or seed or steal missing"
fi
if [ "$secs" -lt 60 ]; then
	pass "ablate: the study took ${secs}s"
else
	fail "ablate: the study took ${secs}s (want < 60 s)"
fi

# ---- bad input
bench/ablate.py --dir "$tmp/x" --workloads mech:svc --mech-dir "$tmp/mech" no-such-config \
	>/dev/null 2>"$tmp/err"
rc1=$?
bench/ablate.py --dir "$tmp/x" --workloads mech:nope --mech-dir "$tmp/mech" baseline-process \
	>/dev/null 2>"$tmp/err2"
rc2=$?
if [ $rc1 -eq 2 ] && grep -q "no config 'no-such-config'" "$tmp/err" && [ $rc2 -eq 2 ] &&
	grep -q 'mech:nope' "$tmp/err2"; then
	pass "ablate: an unknown config or workload is a usage error"
else
	fail "ablate: unknown config/workload: $rc1 $(cat "$tmp/err") / $rc2 $(cat "$tmp/err2")"
fi
sed -i 's/"version": 1,/"version": 999,/' "$study/study.json"
bench/ablate.py "${args[@]}" "${sides[@]}" >/dev/null 2>"$tmp/err"
rc1=$?
mkdir -p "$tmp/half" && echo '{}' >"$tmp/half/results-x.jsonl"
bench/ablate.py --dir "$tmp/half" --mech-dir "$tmp/mech" --workloads mech:svc baseline-process \
	>/dev/null 2>"$tmp/err2"
rc2=$?
if [ $rc1 -eq 2 ] && grep -q 'format 999' "$tmp/err" && [ $rc2 -eq 2 ] &&
	grep -q 'half-written' "$tmp/err2"; then
	pass "ablate: a study of another version or a half-written one is refused"
else
	fail "ablate: other version / half-written: $rc1 $(cat "$tmp/err") / $rc2 $(cat "$tmp/err2")"
fi
sed -i 's/"version": 999,/"version": 1,/' "$study/study.json"

# ---- jobs for GNU parallel / Slurm, and the merge
jargs=("${args[@]}")
jargs[1]="$tmp/jobs-study"
if bench/ablate.py "${jargs[@]}" --emit-jobs "$tmp/jobs" "${sides[@]}" 2>"$tmp/err" &&
	[ "$(wc -l <"$tmp/jobs")" -eq 24 ] && sed -n 1,2p "$tmp/jobs" | sh >/dev/null 2>&1;
	[ "$(cat "$tmp/jobs-study"/results-*.jsonl 2>/dev/null | wc -l)" -eq 2 ]; then
	pass "ablate: --emit-jobs wrote one line per (side, workload, round); two of them ran"
else
	fail "ablate: --emit-jobs: $(tail -3 "$tmp/err" | tr '\n' ' ')"
fi
if bench/ablate.py --report --dir "$study" --merge "$study" >/dev/null 2>"$tmp/err"; then
	pass "ablate: --report --merge rewrites the report"
else
	fail "ablate: --report --merge: $(tail -3 "$tmp/err" | tr '\n' ' ')"
fi
