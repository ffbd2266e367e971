# Compression: zstd round trip over generated text and incompressible data.
TEXT=1000000
RANDOM_BYTES=1000000

prepare() {
	text_file $TEXT >/dev/null
	random_file $RANDOM_BYTES >/dev/null
}

run() {
	for f in $(text_file $TEXT) $(random_file $RANDOM_BYTES); do
		echo "input: $(sha256sum <"$f")"
		/usr/bin/zstd -q -12 -T1 -c "$f" >t.zst || return
		/usr/bin/zstd -q -t t.zst && echo "zstd -t: ok"
		echo "round trip: $(/usr/bin/zstd -q -dc t.zst | sha256sum)"
	done
}
