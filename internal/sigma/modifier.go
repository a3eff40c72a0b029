package sigma

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf16"
)

// modifiers is the parsed modifier chain of one detection item.
type modifiers struct {
	chain    []string // in rule order, for value transformations
	all      bool
	cased    bool
	neq      bool
	exists   bool
	re       bool
	reFlags  string // subset of "ims"
	cidr     bool
	cmp      string // "lt", "lte", "gt", "gte" or ""
	timePart string // "minute", "hour", ... or ""
	fieldref bool
	expand   bool
	// lead and trail record contains/startswith/endswith for regex and
	// fieldref values, which are not wildcard strings.
	lead, trail bool
}

// knownModifiers lists every modifier of the v2.1.0 appendix, plus the
// regular expression flags, with "wide" an alias of "utf16le".
var knownModifiers = map[string]bool{
	"contains": true, "startswith": true, "endswith": true, "all": true,
	"base64": true, "base64offset": true, "utf16le": true, "utf16be": true,
	"utf16": true, "wide": true, "windash": true, "re": true, "i": true,
	"m": true, "s": true, "cidr": true, "lt": true, "lte": true, "gt": true,
	"gte": true, "exists": true, "expand": true, "fieldref": true,
	"cased": true, "neq": true, "minute": true, "hour": true, "day": true,
	"week": true, "month": true, "year": true,
}

// parseModifiers validates a modifier chain.
func parseModifiers(names []string) (modifiers, error) {
	var m modifiers
	for i, n := range names {
		if !knownModifiers[n] {
			return m, fmt.Errorf("unknown modifier %q", n)
		}
		switch n {
		case "all":
			m.all = true
		case "cased":
			m.cased = true
		case "neq":
			m.neq = true
		case "exists":
			m.exists = true
		case "re":
			m.re = true
		case "i", "m", "s":
			if !m.re {
				return m, fmt.Errorf("regular expression flag %q without re", n)
			}
			m.reFlags += n
		case "cidr":
			if i > 0 && names[i-1] != "all" && names[i-1] != "neq" {
				return m, fmt.Errorf("cidr after modifier %q", names[i-1])
			}
			m.cidr = true
		case "lt", "lte", "gt", "gte":
			if m.cmp != "" {
				return m, fmt.Errorf("two comparison modifiers %q and %q", m.cmp, n)
			}
			m.cmp = n
		case "minute", "hour", "day", "week", "month", "year":
			m.timePart = n
		case "fieldref":
			m.fieldref = true
		case "expand":
			m.expand = true
		case "contains":
			m.lead, m.trail = true, true
		case "startswith":
			m.trail = true
		case "endswith":
			m.lead = true
		}
		m.chain = append(m.chain, n)
	}
	if m.exists && len(names) > 1 {
		return m, fmt.Errorf("exists combined with other modifiers")
	}
	if m.re && (m.cidr || m.cmp != "" || m.fieldref) {
		return m, fmt.Errorf("re combined with %s", strings.Join(names, "|"))
	}
	return m, nil
}

// transform applies the string modifiers of m, in order, to one value and
// returns its alternatives (windash and base64offset give several).
func (m modifiers) transform(v pattern) ([]pattern, error) {
	alts := []pattern{v}
	for _, n := range m.chain {
		var next []pattern
		for _, p := range alts {
			out, err := applyModifier(n, p)
			if err != nil {
				return nil, err
			}
			next = append(next, out...)
		}
		alts = next
	}
	return alts, nil
}

// applyModifier applies one value-transforming modifier; the others pass
// the value through.
func applyModifier(name string, p pattern) ([]pattern, error) {
	switch name {
	case "contains":
		return []pattern{p.withStar(true, true)}, nil
	case "startswith":
		return []pattern{p.withStar(false, true)}, nil
	case "endswith":
		return []pattern{p.withStar(true, false)}, nil
	case "base64":
		s, ok := p.plain()
		if !ok {
			return nil, fmt.Errorf("base64 of a value with wildcards or placeholders")
		}
		return []pattern{literal(base64.StdEncoding.EncodeToString([]byte(s)))}, nil
	case "base64offset":
		s, ok := p.plain()
		if !ok {
			return nil, fmt.Errorf("base64offset of a value with wildcards or placeholders")
		}
		var out []pattern
		for _, e := range base64Offsets(s) {
			out = append(out, literal(e))
		}
		return out, nil
	case "utf16le", "wide", "utf16be", "utf16":
		var err error
		q := p.mapLiterals(func(s string) string {
			e, e2 := encodeUTF16(s, name == "utf16be")
			if e2 != nil {
				err = e2
			}
			return e
		})
		if err != nil {
			return nil, err
		}
		if name == "utf16" {
			q = append(pattern{{kind: partLit, lit: "\xff\xfe"}}, q...)
		}
		return []pattern{mergeLiterals(q)}, nil
	case "windash":
		return windash(p), nil
	}
	return []pattern{p}, nil
}

// base64Offsets returns the three base64 renderings of s at byte offsets
// 0, 1 and 2 of an enclosing string, trimmed to the characters that do not
// depend on the surrounding bytes.
func base64Offsets(s string) []string {
	start := [3]int{0, 2, 3}
	endTrim := [3]int{0, 3, 2}
	out := make([]string, 0, 3)
	for i := 0; i < 3; i++ {
		e := base64.StdEncoding.EncodeToString([]byte(strings.Repeat(" ", i) + s))
		end := len(e) - endTrim[(len(s)+i)%3]
		if end < start[i] {
			end = start[i]
		}
		out = append(out, e[start[i]:end])
	}
	return out
}

// encodeUTF16 encodes ASCII text as UTF-16; other text is an error, as in
// pySigma.
func encodeUTF16(s string, bigEndian bool) (string, error) {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		if r >= 0x80 {
			return "", fmt.Errorf("utf16 encoding of non-ASCII value %q", s)
		}
		for _, u := range utf16.Encode([]rune{r}) {
			if bigEndian {
				b = append(b, byte(u>>8), byte(u))
			} else {
				b = append(b, byte(u), byte(u>>8))
			}
		}
	}
	return string(b), nil
}

// mergeLiterals joins adjacent literal parts.
func mergeLiterals(p pattern) pattern {
	q := make(pattern, 0, len(p))
	for _, x := range p {
		if x.kind == partLit && x.lit == "" {
			continue
		}
		if n := len(q); n > 0 && x.kind == partLit && q[n-1].kind == partLit {
			q[n-1].lit += x.lit
			continue
		}
		q = append(q, x)
	}
	return q
}

// windashChars are the characters a Windows command-line flag may start
// with: hyphen, slash, en dash, em dash, horizontal bar.
var windashChars = [...]string{"-", "/", "\u2013", "\u2014", "\u2015"}

// maxWindash caps the expansion of one value (5^n alternatives).
const maxWindash = 4

// windash expands every flag position (a - or / not preceded by a word
// character and followed by one) into the five dash characters. The first
// flag varies slowest.
func windash(p pattern) []pattern {
	type pos struct{ part, off int }
	var flags []pos
	var prev byte = ' ' // start of string is a non-word position
	var prevKnown = true
	for pi, x := range p {
		if x.kind != partLit {
			prevKnown = false
			continue
		}
		for i := 0; i < len(x.lit); i++ {
			c := x.lit[i]
			if (c == '-' || c == '/') && (!prevKnown || !isWord(prev)) {
				var next byte
				switch {
				case i+1 < len(x.lit):
					next = x.lit[i+1]
				case pi+1 < len(p) && p[pi+1].kind == partLit:
					next = p[pi+1].lit[0]
				}
				if isWord(next) && len(flags) < maxWindash {
					flags = append(flags, pos{pi, i})
				}
			}
			prev, prevKnown = c, true
		}
	}
	if len(flags) == 0 {
		return []pattern{p}
	}
	n := 1
	for range flags {
		n *= len(windashChars)
	}
	out := make([]pattern, 0, n)
	for k := 0; k < n; k++ {
		q := make(pattern, len(p))
		copy(q, p)
		// Rewrite from the last flag so offsets of earlier ones stay valid.
		rem := k
		choice := make([]int, len(flags))
		for f := len(flags) - 1; f >= 0; f-- {
			choice[f] = rem % len(windashChars)
			rem /= len(windashChars)
		}
		for f := len(flags) - 1; f >= 0; f-- {
			fl := flags[f]
			s := q[fl.part].lit
			q[fl.part].lit = s[:fl.off] + windashChars[choice[f]] + s[fl.off+1:]
		}
		out = append(out, q)
	}
	return out
}

// isWord reports whether c is a regular-expression word character.
func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
