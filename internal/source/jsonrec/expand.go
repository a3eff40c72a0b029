package jsonrec

// Expand parses text, a JSON value, and appends its fields to r.Fields
// under prefix, as Flatten would had text been the value of key prefix:
// an object's keys are joined to prefix with ".", each element of an array
// repeats prefix, a string, number or literal is one field named prefix,
// null adds nothing. With an empty prefix text must be an object, whose
// keys are appended as they are. Readers use it for JSON documents
// embedded in string fields. Quoted stays right for every field, old and
// new.
//
// On error r.Fields is left as it was; the *SyntaxError's offset is
// relative to text.
//
// Expand reuses the Flattener that made r, and so is valid only until that
// Flattener's next call: in a RecordFormat's Normalize, on the decoder's
// goroutine. A Record not made by Flatten gets a Flattener of its own.
func (r *Record) Expand(text, prefix string) error {
	f := r.flat
	if f == nil {
		f = NewFlattener()
		r.flat = f
	}
	before := len(r.Fields)
	f.quoted = clearFrom(r.quoted, before)
	p := parser{f: f, s: text, out: r.Fields}
	err := p.whole(prefix, prefix == "")
	if err != nil {
		r.quoted = clearFrom(f.quoted, before)
		return err
	}
	r.Fields, r.quoted = p.out, f.quoted
	return nil
}

// clearFrom clears the bits of fields i and up.
func clearFrom(q []uint64, i int) []uint64 {
	w := i / 64
	if w >= len(q) {
		return q
	}
	q[w] &= 1<<(i%64) - 1
	clear(q[w+1:])
	return q
}

// ExpandColumns expands the record's fields whose value is a JSON object
// or array written as text (the "dynamic" columns of Log Analytics and
// similar exports): column maps a field's key to the prefix to expand it
// under, or "" to leave it. The text itself is kept. A value that is not
// valid JSON is left as it is, and a note saying so is appended to notes,
// which are returned. Only the fields present before the call are looked
// at. Like Expand, it is valid only during Normalize.
func (r *Record) ExpandColumns(notes []string, column func(key string) string) []string {
	n := len(r.Fields)
	for i := 0; i < n; i++ {
		k, v := r.Fields[i].Key, r.Fields[i].Value
		if len(v) < 2 || (v[0] != '{' && v[0] != '[') {
			continue
		}
		prefix := column(k)
		if prefix == "" {
			continue
		}
		if err := r.Expand(v, prefix); err != nil {
			notes = append(notes, "column "+k+" holds invalid JSON: "+err.Error())
		}
	}
	return notes
}
