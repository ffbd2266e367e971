# Block device: read, write and read back a file on the virtio-blk disk
# (build/images/disk.ext4, attached by the harness).

run() {
	if [ ! -b /dev/vda ]; then
		echo "disk: no /dev/vda (no virtio-blk disk attached)"
		return 1
	fi
	mount -t ext4 /dev/vda /mnt || return
	cat /mnt/README
	echo "numbers.txt: $(sha256sum </mnt/numbers.txt)"
	cp /mnt/numbers.txt /mnt/copy.txt
	sync
	umount /mnt
	echo 3 >/proc/sys/vm/drop_caches
	mount -t ext4 /dev/vda /mnt || return
	echo "copy.txt after remount: $(sha256sum </mnt/copy.txt)"
	rm /mnt/copy.txt
	umount /mnt
	echo "disk: ok"
}
