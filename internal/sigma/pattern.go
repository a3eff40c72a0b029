package sigma

import (
	"strings"
	"unicode/utf8"
)

// partKind tells a literal from a wildcard in a pattern.
type partKind uint8

const (
	partLit   partKind = iota // literal text
	partStar                  // * : any run of characters
	partQuest                 // ? : exactly one character
	partPlace                 // %name% placeholder (only with expand)
)

// part is one piece of a Sigma string.
type part struct {
	kind partKind
	lit  string // literal text, or the placeholder name
}

// pattern is a Sigma string value: literals and wildcards in order.
type pattern []part

// parsePattern splits a Sigma string into literals and wildcards. A
// backslash escapes *, ? and itself; before any other character, or at the
// end, it is a literal backslash. With placeholders, %name% becomes a
// placeholder part and \% a literal percent sign.
func parsePattern(s string, placeholders bool) pattern {
	var p pattern
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p = append(p, part{kind: partLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\' || (placeholders && s[i+1] == '%')):
			lit.WriteByte(s[i+1])
			i++
		case c == '*':
			flush()
			if len(p) == 0 || p[len(p)-1].kind != partStar {
				p = append(p, part{kind: partStar})
			}
		case c == '?':
			flush()
			p = append(p, part{kind: partQuest})
		case c == '%' && placeholders:
			if j := strings.IndexByte(s[i+1:], '%'); j > 0 {
				flush()
				p = append(p, part{kind: partPlace, lit: s[i+1 : i+1+j]})
				i += j + 1
				continue
			}
			lit.WriteByte(c)
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return p
}

// literal returns a pattern holding s as plain text.
func literal(s string) pattern {
	if s == "" {
		return pattern{}
	}
	return pattern{{kind: partLit, lit: s}}
}

// hasWildcards reports whether p contains * or ?.
func (p pattern) hasWildcards() bool {
	for _, x := range p {
		if x.kind == partStar || x.kind == partQuest {
			return true
		}
	}
	return false
}

// plain returns the text of a pattern without wildcards or placeholders.
func (p pattern) plain() (string, bool) {
	var b strings.Builder
	for _, x := range p {
		if x.kind != partLit {
			return "", false
		}
		b.WriteString(x.lit)
	}
	return b.String(), true
}

// String renders p back in Sigma syntax.
func (p pattern) String() string {
	var b strings.Builder
	for _, x := range p {
		switch x.kind {
		case partStar:
			b.WriteByte('*')
		case partQuest:
			b.WriteByte('?')
		case partPlace:
			b.WriteString("%" + x.lit + "%")
		default:
			for i := 0; i < len(x.lit); i++ {
				if c := x.lit[i]; c == '*' || c == '?' || c == '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(x.lit[i])
			}
		}
	}
	return b.String()
}

// withStar adds a leading and/or trailing * unless already there.
func (p pattern) withStar(lead, trail bool) pattern {
	q := make(pattern, 0, len(p)+2)
	if lead && (len(p) == 0 || p[0].kind != partStar) {
		q = append(q, part{kind: partStar})
	}
	q = append(q, p...)
	if trail && (len(q) == 0 || q[len(q)-1].kind != partStar) {
		q = append(q, part{kind: partStar})
	}
	return q
}

// mapLiterals returns p with every literal replaced by f(literal).
func (p pattern) mapLiterals(f func(string) string) pattern {
	q := make(pattern, len(p))
	for i, x := range p {
		if x.kind == partLit {
			x.lit = f(x.lit)
		}
		q[i] = x
	}
	return q
}

// globMatch reports whether s matches the wildcard pattern p (literals
// compared exactly; callers lower both sides for case-insensitive matching).
// It uses the classic single-backtrack algorithm: linear for patterns
// without consecutive stars, no allocation.
func globMatch(p pattern, s string) bool {
	pi, si := 0, 0 // current part, position in s
	starPi, starSi := -1, 0
	for {
		if pi < len(p) {
			x := p[pi]
			switch x.kind {
			case partStar:
				starPi, starSi = pi, si
				pi++
				continue
			case partQuest:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					pi++
					continue
				}
			case partLit:
				if len(s)-si >= len(x.lit) && s[si:si+len(x.lit)] == x.lit {
					si += len(x.lit)
					pi++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starPi < 0 || starSi >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSi:])
		starSi += n
		si = starSi
		pi = starPi + 1
	}
}
