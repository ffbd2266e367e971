# Hashing and ciphers: openssl digests and symmetric ciphers over generated data.
SIZE=2000000
KEY=603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4
IV=000102030405060708090a0b0c0d0e0f

prepare() {
	random_file $SIZE >/dev/null
}

run() {
	f=$(random_file $SIZE)
	for md in md5 sha1 sha256 sha512 sha3-256 blake2s256; do
		echo "$md: $(/usr/bin/openssl dgst -$md -r "$f" | cut -d' ' -f1)"
	done
	for cipher in aes-256-cbc aes-256-ctr chacha20 camellia-256-cbc; do
		/usr/bin/openssl enc -$cipher -K $KEY -iv $IV -in "$f" -out t.enc || return
		echo "$cipher: $(sha256sum <t.enc | cut -d' ' -f1)" \
			"decrypts: $(/usr/bin/openssl enc -d -$cipher -K $KEY -iv $IV -in t.enc |
				cmp -s - "$f" && echo ok || echo MISMATCH)"
	done
}
