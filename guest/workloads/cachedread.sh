# Cached reads: re-read a file that lives in the page cache (the initramfs
# root is a tmpfs), as `hdparm -T` measures, but timed by the harness from
# the console markers and printing only what is the same on every side: the
# bytes read and the file's checksum. Each pass is the kernel copying page
# cache pages into a user buffer (copy_to_user), so it exercises guest
# memory accesses and the MMU more than computation.
SIZE=4000000
PASSES=500

prepare() {
	random_file $SIZE >/dev/null
}

run() {
	f=$(random_file $SIZE)
	set --
	i=0
	while [ $i -lt $PASSES ]; do
		set -- "$@" "$f"
		i=$((i + 1))
	done
	# one process reads it PASSES times (no process creation in the loop)
	cat "$@" >/dev/null || return
	echo "cachedread: $PASSES passes over $SIZE bytes"
	echo "checksum: $(sha256sum <"$f")"
}
