# Compression: bzip2 round trip over generated text.
SIZE=1000000

prepare() {
	text_file $SIZE >/dev/null
}

run() {
	f=$(text_file $SIZE)
	echo "input: $(sha256sum <"$f")"
	/bin/bzip2 -9 -c "$f" >t.bz2 || return
	/bin/bzip2 -t t.bz2 && echo "bzip2 -t: ok"
	echo "round trip: $(/bin/bzip2 -dc t.bz2 | sha256sum)"
}
