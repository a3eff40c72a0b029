package simulate

import (
	"crypto/md5"  //nolint:gosec // idem
	"crypto/sha1" //nolint:gosec // hashes that look like a binary's, not security
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"math/rand/v2"
	"strings"
)

const (
	upperHex = "0123456789ABCDEF"
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	base62   = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

func randString(rng *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	b.Grow(n)
	for range n {
		b.WriteByte(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

// guid is a GUID as evtx_dump renders it: upper case, no braces. prefix,
// when eight hex digits, is its first group (Sysmon keeps one per machine).
func guid(rng *rand.Rand, prefix string) string {
	if len(prefix) != 8 {
		prefix = randString(rng, upperHex, 8)
	}
	return prefix + "-" + randString(rng, upperHex, 4) + "-" + randString(rng, upperHex, 4) + "-" +
		randString(rng, upperHex, 4) + "-" + randString(rng, upperHex, 12)
}

// uuid is a random (version 4) UUID in lower case.
func uuid(rng *rand.Rand) string {
	const lh = "0123456789abcdef"
	s := []byte(randString(rng, lh, 32))
	s[12] = '4'
	s[16] = lh[8+rng.IntN(4)]
	return string(s[0:8]) + "-" + string(s[8:12]) + "-" + string(s[12:16]) + "-" + string(s[16:20]) + "-" + string(s[20:32])
}

// zeekUID is a Zeek connection uid.
func zeekUID(rng *rand.Rand) string { return "C" + randString(rng, base62, 17) }

// stableKey derives an AWS-style id (prefix + 16 characters) from a name,
// for keys and ids the environment leaves out.
func stableKey(prefix, name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewPCG(h.Sum64(), 0x5eed))
	return prefix + randString(r, alnum, 20-len(prefix))
}

// hashes is the Sysmon Hashes value of a binary, derived from its path.
func hashes(image string) string {
	b := []byte(strings.ToLower(image))
	s1 := sha1.Sum(b) //nolint:gosec // not security
	m := md5.Sum(b)   //nolint:gosec // not security
	s2 := sha256.Sum256(b)
	imp := md5.Sum(append(b, 'i')) //nolint:gosec // not security
	return "SHA1=" + strings.ToUpper(hex.EncodeToString(s1[:])) + ",MD5=" + strings.ToUpper(hex.EncodeToString(m[:])) +
		",SHA256=" + strings.ToUpper(hex.EncodeToString(s2[:])) + ",IMPHASH=" + strings.ToUpper(hex.EncodeToString(imp[:]))
}
