package awsfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// verifySignature checks the request's Signature Version 4 Authorization
// header against the fake's key pair, as AWS does, and returns the
// service and region named in its credential scope. The service is
// returned even when the check fails, so that the error is written in
// that service's format.
func verifySignature(r *http.Request, body []byte) (service, region string, _ *apiError) {
	auth := r.Header.Get("Authorization")
	const algo = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) {
		return serviceOf(r), "", errf(403, "MissingAuthenticationToken", "request is not signed with SigV4")
	}
	var cred, signed, sig string
	for part := range strings.SplitSeq(strings.TrimPrefix(auth, algo), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	// Credential is key/date/region/service/aws4_request.
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return serviceOf(r), "", errf(403, "IncompleteSignature", "malformed credential %q", cred)
	}
	service, region = scope[3], scope[2]
	if scope[0] != AccessKeyID {
		return service, region, errf(403, "InvalidClientTokenId", "the security token included in the request is invalid")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || !strings.HasPrefix(amzDate, scope[1]) {
		return service, region, errf(403, "IncompleteSignature", "bad X-Amz-Date %q", amzDate)
	}
	if d := time.Since(t); d > 15*time.Minute || d < -15*time.Minute {
		return service, region, errf(403, "RequestTimeTooSkewed", "request time %s is too far from now", amzDate)
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	sum := sha256.Sum256(body)
	if payload == "" {
		payload = hex.EncodeToString(sum[:])
	} else if len(payload) == 64 && payload != hex.EncodeToString(sum[:]) {
		return service, region, errf(400, "XAmzContentSHA256Mismatch", "the body does not match its declared hash")
	}
	canonical := strings.Join([]string{
		r.Method,
		r.URL.EscapedPath(),
		canonicalQuery(r.URL.Query()),
		canonicalHeaders(r, signed),
		signed,
		payload,
	}, "\n")
	crHash := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + strings.Join(scope[1:], "/") + "\n" + hex.EncodeToString(crHash[:])
	key := []byte("AWS4" + SecretAccessKey)
	for _, s := range scope[1:] {
		key = hmacSHA256(key, s)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return service, region, errf(403, "SignatureDoesNotMatch", "the request signature we calculated does not match the signature you provided")
	}
	return service, region, nil
}

// serviceOf guesses the service of an unsigned request, for the error's
// format: form posts are IAM or EC2 (told apart by the API version), the
// rest S3.
func serviceOf(r *http.Request) string {
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return "iam"
	}
	return "s3"
}

func canonicalQuery(q url.Values) string {
	pairs := make([]string, 0, len(q))
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, awsEscape(k)+"="+awsEscape(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

func canonicalHeaders(r *http.Request, signed string) string {
	var b strings.Builder
	for h := range strings.SplitSeq(signed, ";") {
		var v string
		switch h {
		case "host":
			v = r.Host
		case "content-length":
			v = strconv.FormatInt(r.ContentLength, 10)
		default:
			v = strings.Join(r.Header.Values(h), ",")
		}
		b.WriteString(h + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	return b.String()
}

// awsEscape is SigV4's URI encoding: every byte but the RFC 3986
// unreserved characters as %XX.
func awsEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
