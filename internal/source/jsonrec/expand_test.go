package jsonrec

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	const base = `{"a":"x","n":1,"col":"ignored"}`
	tests := []struct {
		name, text, prefix string
		want               [][2]string
		quoted             []bool // of the appended fields
	}{
		{"object", `{"user":{"id":"u1","n":2}}`, "InitiatedBy",
			[][2]string{{"InitiatedBy.user.id", "u1"}, {"InitiatedBy.user.n", "2"}}, []bool{true, false}},
		{"array of objects", `[{"id":"t1"},{"id":"t2","ok":true}]`, "Targets",
			[][2]string{{"Targets.id", "t1"}, {"Targets.id", "t2"}, {"Targets.ok", "true"}}, []bool{true, true, false}},
		{"array of scalars", `["a",1,null,"b"]`, "L",
			[][2]string{{"L", "a"}, {"L", "1"}, {"L", "b"}}, []bool{true, false, true}},
		{"string", ` "s" `, "S", [][2]string{{"S", "s"}}, []bool{true}},
		{"number", `42`, "N", [][2]string{{"N", "42"}}, []bool{false}},
		{"null", `null`, "Z", nil, nil},
		{"empty prefix object", `{"verb":"get","objectRef":{"resource":"pods"}}`, "",
			[][2]string{{"verb", "get"}, {"objectRef.resource", "pods"}}, []bool{true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := NewFlattener().Flatten(base)
			if err != nil {
				t.Fatal(err)
			}
			n := len(rec.Fields)
			if err := rec.Expand(tt.text, tt.prefix); err != nil {
				t.Fatal(err)
			}
			var got [][2]string
			for _, f := range rec.Fields[n:] {
				got = append(got, [2]string{f.Key, f.Value})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
			if !rec.Quoted(0) || rec.Quoted(1) || !rec.Quoted(2) {
				t.Errorf("quoted bits of the record's own fields changed")
			}
			for i, q := range tt.quoted {
				if rec.Quoted(n+i) != q {
					t.Errorf("Quoted(%d) = %v, want %v", n+i, !q, q)
				}
			}
		})
	}
}

func TestExpandErrors(t *testing.T) {
	tests := []struct {
		name, text, prefix string
		off                int
	}{
		{"bad object", `{"user":}`, "C", 8},
		{"unterminated", `{"a":"b"`, "C", 8},
		{"data after", `{"a":1} x`, "C", 8},
		{"not an object without prefix", `[1]`, "", 0},
		{"empty", ``, "C", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := NewFlattener().Flatten(`{"s":"1","col":"x"}`)
			if err != nil {
				t.Fatal(err)
			}
			// A failed expansion leaves no fields and no stale quoted bits
			// for the fields appended after it.
			err = rec.Expand(tt.text, tt.prefix)
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset != tt.off {
				t.Fatalf("Expand(%q) = %v, want a syntax error at %d", tt.text, err, tt.off)
			}
			if len(rec.Fields) != 2 {
				t.Fatalf("fields %v after a failed expansion", rec.Fields)
			}
			if err := rec.Expand(`[1,2,3]`, "N"); err != nil {
				t.Fatal(err)
			}
			for i := 2; i < 5; i++ {
				if rec.Quoted(i) {
					t.Errorf("Quoted(%d) is stale after a failed expansion", i)
				}
			}
		})
	}
}

// TestExpandManyFields crosses the 64-field word boundary of the quoted
// bits, before and after a failed expansion.
func TestExpandManyFields(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{`)
	for i := 0; i < 60; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k":1`)
	}
	b.WriteString(`}`)
	rec, err := NewFlattener().Flatten(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Expand(`["a","b","c","d","e","f","g","h"]`, "Q"); err != nil {
		t.Fatal(err)
	}
	if err := rec.Expand(`["x","y",`, "Bad"); err == nil {
		t.Fatal("want an error")
	}
	if err := rec.Expand(`[1,2,3,4,5,6,7,8,9,10]`, "U"); err != nil {
		t.Fatal(err)
	}
	for i := range rec.Fields {
		want := i >= 60 && i < 68
		if rec.Quoted(i) != want {
			t.Errorf("Quoted(%d) = %v, want %v", i, !want, want)
		}
	}
}

func TestExpandWithoutFlatten(t *testing.T) {
	var rec Record
	if err := rec.Expand(`{"a":"b"}`, "p"); err != nil || rec.Value("p.a") != "b" || !rec.Quoted(0) {
		t.Fatalf("err %v, fields %v", err, rec.Fields)
	}
}

func TestKeyBuf(t *testing.T) {
	var kb KeyBuf
	if got := string(kb.Lower("EventType.Sub_Key9")); got != "eventtype.sub_key9" {
		t.Errorf("got %q", got)
	}
	if kb.Lower(strings.Repeat("k", 129)) != nil {
		t.Error("an over-long key was not refused")
	}
}

// FuzzExpand checks that Expand never panics, keeps the record's fields on
// error, and agrees with Flatten of the same value under a key.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{`{"a":{"b":[1,{"c":"d"}]}}`, `[1,"x",null]`, `"s"`, `{`, `[{"a":"\u12"}]`, `nul`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl := NewFlattener()
		rec, err := fl.Flatten(`{"x":"1"}`)
		if err != nil {
			t.Fatal(err)
		}
		err = rec.Expand(s, "p")
		want, werr := NewFlattener().Flatten(`{"x":"1","p":` + s + `}`)
		if err != nil {
			if len(rec.Fields) != 1 {
				t.Fatalf("fields %v after error %v", rec.Fields, err)
			}
			return
		}
		if werr != nil {
			// Text that closes the wrapper early can be valid on its own
			// only if it is not a single value; Expand took it whole.
			t.Fatalf("Expand(%q) accepted what Flatten rejects: %v", s, werr)
		}
		if !reflect.DeepEqual(rec.Fields, want.Fields) {
			t.Fatalf("Expand(%q) = %v, Flatten = %v", s, rec.Fields, want.Fields)
		}
		for i := range rec.Fields {
			if rec.Quoted(i) != want.Quoted(i) {
				t.Fatalf("Expand(%q): Quoted(%d) = %v, Flatten's %v", s, i, rec.Quoted(i), want.Quoted(i))
			}
		}
	})
}

func TestExpandColumns(t *testing.T) {
	rec, err := NewFlattener().Flatten(`{"Status":"{\"errorCode\":0}","Other":"{\"a\":1}","Bad":"{\"x\":}","Short":"{","Plain":"text"}`)
	if err != nil {
		t.Fatal(err)
	}
	column := func(k string) string {
		if k == "Status" || k == "Bad" || k == "Short" || k == "Plain" {
			return k
		}
		return ""
	}
	notes := rec.ExpandColumns(nil, column)
	var got [][2]string
	for _, f := range rec.Fields[5:] {
		got = append(got, [2]string{f.Key, f.Value})
	}
	if want := [][2]string{{"Status.errorCode", "0"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if want := []string{"column Bad holds invalid JSON: invalid JSON at byte 5: unexpected character '}'"}; !reflect.DeepEqual(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}
