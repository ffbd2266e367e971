# Shared helpers for the integration scripts (sourced, not run).
# BUILD: the build directory under test (build, or build/san for SANITIZE=)
BUILD=${BUILD:-build}
CAPTIVE=${CAPTIVE:-$BUILD/captive}

# How many times longer than usual a run may take: 4 for a sanitizer build
# (its runtime linked into captive: ASan and UBSan make the interpreter
# several times slower), else 1.
slow_factor() {
	if ldd "$CAPTIVE" 2>/dev/null | grep -qE 'lib(asan|ubsan)\.'; then
		echo 4
	else
		echo 1
	fi
}

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
skip() { echo "SKIP: $*"; }

# Why the kvm backend cannot run here, or nothing if it can.
kvm_unusable_reason() {
	if [ ! -e /dev/kvm ]; then
		echo "/dev/kvm does not exist"
	elif ! { exec 9<>/dev/kvm; } 2>/dev/null; then
		echo "/dev/kvm cannot be opened (permission?)"
	elif ! ls "$BUILD"/engine/kvm/*.elf >/dev/null 2>&1; then
		echo "no bare-metal engine build in $BUILD/engine/kvm"
	fi
	exec 9>&- 2>/dev/null || true
}

# The backends usable here (callers print a SKIP line for kvm when absent).
usable_backends() {
	if [ -z "$(kvm_unusable_reason)" ]; then
		echo "kvm process"
	else
		echo "process"
	fi
}

# The exec strategies with a hosted engine build (interp, jit, ...).
usable_execs() {
	ls "$BUILD"/engine/process/*.so 2>/dev/null | sed 's|.*/[^-]*-||; s|\.so$||' | sort -u | tr '\n' ' '
}

# The mmu strategies built here (one host plugin each).
installed_mmus() {
	local so
	for so in "$BUILD"/plugins/mmu-*.so; do
		[ -e "$so" ] || continue
		so=${so##*/mmu-}
		echo "${so%.so}"
	done
}
