#!/usr/bin/env bash
# Build the Debian ARM guest images under build/images/ (`make images`):
#
#   zImage                       Debian's armmp kernel (linux-image-*-armmp, armhf)
#   initramfs.cpio.gz            busybox init (guest/init), the workloads
#                                (guest/workload, guest/workloads/), the userland of
#                                scripts/images/packages.list, and the kernel
#                                modules for virtio-mmio, virtio-blk and ext4
#   disk.ext4                    a small ext4 file system for the virtio-blk workload
#   debian-vexpress-v2p-ca9.dtb  the DTB shipped with that kernel (for comparison
#                                only; the harness boots our platforms/vexpress-a9 DTB)
#   manifest                     the packages used: role, name, version, .deb file
#
# Everything comes from Debian's archive through apt-get (armhf is added as a
# foreign architecture if missing). The .debs are kept in build/images/debs/ and
# reused as long as the package list is unchanged, so a rebuild downloads
# nothing; IMAGES_REFRESH=1 asks apt for the current versions again. The images
# are rebuilt only when the manifest or one of the inputs (this script,
# scripts/images/, guest/init, guest/workload, guest/workloads/) changes.
set -euo pipefail
cd "$(dirname "$0")/.."

# mke2fs and debugfs live in /sbin, which a normal user's PATH may lack
PATH=$PATH:/usr/sbin:/sbin
OUT=build/images
DEBS=$OUT/debs
LIST=scripts/images/packages.list
KERNEL_META=linux-image-armmp
# Loaded by /init in this order (moddeps.py adds the hard dependencies and
# checks the soft ones): crc32c_generic is ext4's and jbd2's checksum provider.
MODULES=(crc32c_generic virtio_mmio virtio_blk ext4)
DISK_SIZE=32M
# Fixed so the same inputs give the same disk image.
DISK_UUID=6361f7e5-0000-4000-8000-63617074697a

say() { echo "images: $*"; }
die() {
	echo "images: $*" >&2
	exit 1
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run: $* (run as root, or run it once by hand)"
	fi
}

wanted_packages() {
	grep -vE '^[[:space:]]*(#|$)' "$LIST" | sort -u
}

candidate() {
	apt-cache policy "$1:armhf" 2>/dev/null | awk '/Candidate:/ { print $2 }'
}

# armhf known to dpkg and its package indexes present (apt-get update only
# when they are not: a routine `make images` must not depend on the network).
ensure_armhf_indexes() {
	local update=0
	if ! dpkg --print-foreign-architectures | grep -qx armhf; then
		say "adding the armhf architecture to dpkg"
		as_root dpkg --add-architecture armhf
		update=1
	fi
	local c
	c=$(candidate busybox-static)
	if [ -z "$c" ] || [ "$c" = "(none)" ]; then
		update=1
	fi
	if [ $update -eq 1 ] || [ "${IMAGES_REFRESH:-0}" = 1 ]; then
		say "apt-get update"
		# A mirror mid-sync can fail one index (seen with bookworm-security);
		# the package look-ups below say clearly if something is really missing.
		as_root apt-get update -q >"$OUT/apt-update.log" 2>&1 ||
			say "apt-get update reported errors (see $OUT/apt-update.log); using the indexes there are"
	fi
}

# The image package linux-image-armmp depends on, e.g. linux-image-6.1.0-50-armmp.
kernel_package() {
	apt-cache depends "$KERNEL_META:armhf" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-armmp(:armhf)?$/ { sub(/:armhf$/, "", $2); print $2; exit }'
}

# The manifest still describes exactly the wanted packages and its .debs exist.
manifest_current() {
	local m=$DEBS/manifest
	[ -f "$m" ] || return 1
	[ "${IMAGES_REFRESH:-0}" = 1 ] && return 1
	[ "$(awk '$1 == "pkg" { print $2 }' "$m" | sort -u)" = "$(wanted_packages)" ] || return 1
	[ "$(awk '$1 == "kernel"' "$m" | wc -l)" -eq 1 ] || return 1
	local f
	for f in $(awk '{ print $4 }' "$m"); do
		[ -f "$DEBS/$f" ] || return 1
	done
}

# Download one package's candidate version; print its manifest line.
fetch_one() {
	local role=$1 name=$2 version file
	version=$(candidate "$name")
	if [ -z "$version" ] || [ "$version" = "(none)" ]; then
		die "no armhf version of Debian package $name in the apt indexes (try IMAGES_REFRESH=1, or check /etc/apt/sources.list.d)"
	fi
	# apt-get prints nothing for a file already in the current directory, so ask from /
	read -r _ file _ < <(cd / && apt-get download --print-uris "$name:armhf=$version" | tail -1) || true
	[ -n "${file:-}" ] || die "apt-get could not locate $name:armhf=$version"
	if [ ! -f "$DEBS/$file" ]; then
		(cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root "$name:armhf=$version" >/dev/null) ||
			die "apt-get download $name:armhf=$version failed"
	fi
	[ -f "$DEBS/$file" ] || die "apt-get download $name:armhf=$version did not produce $file"
	echo "$role $name $version $file"
}

fetch() {
	mkdir -p "$DEBS"
	ensure_armhf_indexes
	local kpkg new=$DEBS/manifest.new
	kpkg=$(kernel_package)
	[ -n "$kpkg" ] || die "cannot resolve $KERNEL_META:armhf to a kernel image package (apt-cache depends found none)"
	say "downloading armhf packages from Debian's archive (kernel: $kpkg)"
	{
		fetch_one kernel "$kpkg"
		local p
		for p in $(wanted_packages); do
			fetch_one pkg "$p"
		done
	} >"$new"
	mv "$new" "$DEBS/manifest"
	# drop .debs of versions no longer wanted, so the cache does not grow
	local f
	for f in "$DEBS"/*.deb; do
		grep -qF " $(basename "$f")" "$DEBS/manifest" || rm -f "$f"
	done
}

inputs_key() {
	{
		cat "$DEBS/manifest"
		find scripts/mkimages.sh scripts/images guest/init guest/workload guest/workloads -type f | sort |
			while read -r f; do
				echo "== $f $(stat -c %a "$f")"
				cat "$f"
			done
	} | sha256sum | cut -d' ' -f1
}

# Every dynamically linked program and library finds its DT_NEEDED libraries.
check_libraries() {
	local root=$1 bad=0 f lib
	local dirs=(lib/arm-linux-gnueabihf usr/lib/arm-linux-gnueabihf lib usr/lib)
	while read -r f; do
		[ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || continue
		for lib in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			local found=0 d
			for d in "${dirs[@]}"; do
				if [ -e "$root/$d/$lib" ]; then
					found=1
					break
				fi
			done
			if [ $found -eq 0 ]; then
				echo "images: ${f#"$root"/} needs $lib, which no package in $LIST provides" >&2
				bad=1
			fi
		done
	done < <(find "$root" -type f ! -name '*.ko')
	return $bad
}

build_images() {
	local work=$OUT/work
	rm -rf "$work"
	mkdir -p "$work/pkgs" "$work/kernel"

	local role name version file
	while read -r role name version file; do
		if [ "$role" = kernel ]; then
			dpkg-deb -x "$DEBS/$file" "$work/kernel"
		else
			dpkg-deb -x "$DEBS/$file" "$work/pkgs"
		fi
	done <"$DEBS/manifest"

	local kver
	kver=$(basename "$(find "$work/kernel/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -1)")
	[ -f "$work/kernel/boot/vmlinuz-$kver" ] || die "kernel package has no /boot/vmlinuz-$kver"
	say "kernel $kver"

	local root=$work/initramfs
	mkdir -p "$root"
	cp -a "$work/pkgs/." "$root/"
	# documentation, locales and iconv modules: nothing the workloads read
	rm -rf "${root:?}/usr/share" "$root/usr/lib/arm-linux-gnueabihf/gconv"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,mnt,etc,workloads}
	chmod 1777 "$root/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	printf 'captive\n' >"$root/etc/hostname"

	local moddir=$root/lib/modules/$kver m
	mkdir -p "$moddir"
	: >"$moddir/load-order"
	for m in $(python3 scripts/images/moddeps.py "$work/kernel/lib/modules/$kver" "${MODULES[@]}"); do
		cp "$work/kernel/lib/modules/$kver/$m" "$moddir/"
		basename "$m" >>"$moddir/load-order"
	done

	install -m 755 guest/init "$root/init"
	install -m 755 guest/workload "$root/usr/bin/workload"
	install -m 644 guest/workloads/*.sh guest/workloads/common.inc "$root/workloads/"

	check_libraries "$root" || die "the initramfs is missing libraries (add their packages to $LIST)"

	python3 scripts/images/mkcpio.py "$root" \
		--node dev/console:c:5:1:600 --node dev/null:c:1:3:666 |
		gzip -9 -n >"$OUT/initramfs.cpio.gz.tmp"
	mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"

	cp "$work/kernel/boot/vmlinuz-$kver" "$OUT/zImage"
	cp "$work/kernel/usr/lib/linux-image-$kver/vexpress-v2p-ca9.dtb" "$OUT/debian-vexpress-v2p-ca9.dtb"
	echo "$kver" >"$OUT/kernel.version"

	# The disk holds one known file the virtio-blk workload reads back and copies.
	local disk=$work/disk
	mkdir -p "$disk"
	seq 1 200000 >"$disk/numbers.txt"
	printf 'captive virtio-blk test disk\n' >"$disk/README"
	find "$disk" -exec touch -h -d @0 {} +
	rm -f "$OUT/disk.ext4"
	truncate -s "$DISK_SIZE" "$OUT/disk.ext4"
	# fixed time stamps (file system, lost+found, journal), so the same inputs
	# give the same image
	SOURCE_DATE_EPOCH=1 E2FSPROGS_FAKE_TIME=1 mke2fs -q -F -t ext4 -L captive -U "$DISK_UUID" \
		-E "root_owner=0:0,hash_seed=$DISK_UUID" -d "$disk" "$OUT/disk.ext4" ||
		die "mke2fs could not make $OUT/disk.ext4"
	# mke2fs -d copies each file's ctime, which no tool can set on the host side
	printf 'sif /%s ctime 1\n' README numbers.txt |
		debugfs -w -f - "$OUT/disk.ext4" >/dev/null 2>&1 ||
		die "debugfs could not fix the time stamps in $OUT/disk.ext4"

	cp "$DEBS/manifest" "$OUT/manifest"
	rm -rf "$work"
}

mkdir -p "$OUT"
for tool in apt-get apt-cache dpkg-deb readelf python3 gzip mke2fs debugfs; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (Debian: see scripts/setup-deps.sh)"
done

if ! manifest_current; then
	fetch
fi
key=$(inputs_key)
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$key" ] &&
	[ -f "$OUT/zImage" ] && [ -f "$OUT/initramfs.cpio.gz" ] && [ -f "$OUT/disk.ext4" ]; then
	say "up to date"
	exit 0
fi
rm -f "$OUT/stamp"
build_images
echo "$key" >"$OUT/stamp"
say "built $OUT: zImage $(stat -c %s "$OUT/zImage") B, initramfs.cpio.gz $(stat -c %s "$OUT/initramfs.cpio.gz") B, disk.ext4 $DISK_SIZE"
