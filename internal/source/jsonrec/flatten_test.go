package jsonrec

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestFlatten(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want [][2]string
	}{
		{"flat", `{"a":"x","b":1,"c":true,"d":false}`,
			[][2]string{{"a", "x"}, {"b", "1"}, {"c", "true"}, {"d", "false"}}},
		{"nested", `{"userIdentity":{"type":"IAMUser","sessionContext":{"mfa":"false"}}}`,
			[][2]string{{"userIdentity.type", "IAMUser"}, {"userIdentity.sessionContext.mfa", "false"}}},
		{"list repeats key", `{"r":[{"ARN":"a1"},{"ARN":"a2"}],"n":[1,2]}`,
			[][2]string{{"r.ARN", "a1"}, {"r.ARN", "a2"}, {"n", "1"}, {"n", "2"}}},
		{"null dropped, empty kept", `{"a":null,"b":"","c":{},"d":[]}`,
			[][2]string{{"b", ""}}},
		{"escapes", `{"p":"C:\\Windows\\cmd.exe","q":"say \"hi\"\n","u":"\u00e9\ud83d\ude00"}`,
			[][2]string{{"p", `C:\Windows\cmd.exe`}, {"q", "say \"hi\"\n"}, {"u", "é😀"}}},
		{"numbers", `{"a":-1.5e3,"b":0}`, [][2]string{{"a", "-1.5e3"}, {"b", "0"}}},
		{"whitespace", " {\n \"a\" : \"b\" \r\n}\t", [][2]string{{"a", "b"}}},
		{"dotted key kept", `{"id.orig_h":"10.0.0.1","id":{"resp_h":"10.0.0.2"}}`,
			[][2]string{{"id.orig_h", "10.0.0.1"}, {"id.resp_h", "10.0.0.2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := NewFlattener().Flatten(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.Fields) == 0 && len(tt.want) == 0 {
				return
			}
			var got [][2]string
			for _, f := range rec.Fields {
				got = append(got, [2]string{f.Key, f.Value})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestQuoted(t *testing.T) {
	rec, err := NewFlattener().Flatten(`{"s":"1","n":1,"b":true,"l":["x",2],"e":"a\"b"}`)
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	for i := range rec.Fields {
		got = append(got, rec.Quoted(i))
	}
	if want := []bool{true, false, false, true, false, true}; !reflect.DeepEqual(got, want) {
		t.Errorf("Quoted = %v, want %v", got, want)
	}
}

func TestFlattenErrors(t *testing.T) {
	for _, in := range []string{
		``, `[]`, `"x"`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":tru}`, `{"a":"\x"}`,
		`{"a":"unterminated}`, `{"a":1} x`, "{\"a\":\"\x01\"}", `{"a":[1,2}`,
		`{"a":` + deep(100) + `}`,
	} {
		_, err := NewFlattener().Flatten(in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Flatten(%.40q): err = %v, want *SyntaxError", in, err)
		}
	}
}

func deep(n int) string {
	s := "1"
	for i := 0; i < n; i++ {
		s = "[" + s + "]"
	}
	return s
}

func TestMember(t *testing.T) {
	raw := []byte(`{"a":{"x":[1,"}"]}, "Records" : [ {"k":1}, {"k":"]"} ], "z":null}`)
	v, ok := Member(raw, "Records")
	if !ok || string(v) != `[ {"k":1}, {"k":"]"} ]` {
		t.Fatalf("Member = %q, %v", v, ok)
	}
	var elems []string
	Elements(v, func(e []byte, _ int) bool { elems = append(elems, string(e)); return true })
	if !reflect.DeepEqual(elems, []string{`{"k":1}`, `{"k":"]"}`}) {
		t.Errorf("Elements = %q", elems)
	}
	if _, ok := Member(raw, "missing"); ok {
		t.Error("Member found a missing key")
	}
}

// FuzzFlatten checks that Flatten never panics and agrees with encoding/json
// on which inputs are valid objects.
func FuzzFlatten(f *testing.F) {
	for _, s := range []string{`{"a":{"b":[1,{"c":"d"}]}}`, `{"u":"\ud83d\ude00"}`, `{"a":null}`, `{`, `{"a":"\u12"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := NewFlattener().Flatten(s)
		var obj map[string]any
		jerr := json.Unmarshal([]byte(s), &obj)
		if jerr == nil && obj != nil && err != nil && !deepNesting(err) {
			t.Errorf("Flatten(%q) = %v, but encoding/json accepts it", s, err)
		}
		if err == nil && jerr != nil && json.Valid([]byte(s)) {
			t.Errorf("Flatten(%q) accepted a non-object", s)
		}
	})
}

func deepNesting(err error) bool {
	var se *SyntaxError
	return errors.As(err, &se) && len(se.Msg) > 7 && se.Msg[:7] == "nesting"
}
