package jsonrec

// SetFirst sets *dst to v unless *dst is already set: readers that take
// the first value of a key call it for every field of a record.
func SetFirst(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// MaxListItems bounds how many elements a List keeps.
const MaxListItems = 16

// List rebuilds the elements of a JSON list of objects from a flattened
// record, where each element's keys repeat the list's key: a reader sets
// the fields of Cur as it meets them, and a field already set starts the
// next element. It keeps the first MaxListItems elements, without
// allocating. The zero List is empty.
type List[T any] struct {
	Cur   T
	items [MaxListItems]T
	n     int
	set   bool
}

// Set sets field, which points into l.Cur, to v, first ending the current
// element if field is already set.
func (l *List[T]) Set(field *string, v string) {
	if *field != "" {
		l.Flush()
	}
	*field = v
	l.set = true
}

// Flush ends the current element. Call it once the record's fields are
// read.
func (l *List[T]) Flush() {
	if l.set && l.n < MaxListItems {
		l.items[l.n] = l.Cur
		l.n++
	}
	var zero T
	l.Cur, l.set = zero, false
}

// Items returns the elements ended so far.
func (l *List[T]) Items() []T { return l.items[:l.n] }
