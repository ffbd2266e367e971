# Compression: xz (LZMA2) round trip over generated text.
SIZE=1000000

prepare() {
	text_file $SIZE >/dev/null
}

run() {
	f=$(text_file $SIZE)
	echo "input: $(sha256sum <"$f")"
	/usr/bin/xz -6 -T1 -c "$f" >t.xz || return
	/usr/bin/xz -t t.xz && echo "xz -t: ok"
	echo "round trip: $(/usr/bin/xz -dc t.xz | sha256sum)"
}
