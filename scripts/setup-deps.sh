#!/usr/bin/env bash
# Install the Debian packages captive needs to build and test, if missing.
# Called by `make run` and `make test`; safe to run again (it only checks
# when everything is there already). Arguments name extra groups: `fuzz`
# (clang and libFuzzer's runtime, for `make fuzz`).
set -euo pipefail

packages=(
	build-essential pkg-config python3 e2fsprogs
	libinih-dev check libunwind-dev libfdt-dev
	gcc-arm-none-eabi
	qemu-system-arm device-tree-compiler
	libunicorn-dev libcapstone-dev gdb-multiarch
)

for group in "$@"; do
	case $group in
	fuzz) packages+=(clang libclang-rt-14-dev) ;;
	*)
		echo "setup: unknown package group '$group' (known: fuzz)" >&2
		exit 2
		;;
	esac
done

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "setup: need root to install: ${missing[*]} (run as root, or install them with apt-get)" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
