package jsonrec

// KeyBuf lowercases keys without allocating, so that a reader can accept
// exports that changed the case of its log type's keys ("eventtype").
type KeyBuf [128]byte

// Lower returns key in lower case (ASCII), or nil when it is too long to
// be a key a reader looks at. The result is valid until the next call.
func (b *KeyBuf) Lower(key string) []byte {
	if len(key) > len(b) {
		return nil
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b[:len(key)]
}
