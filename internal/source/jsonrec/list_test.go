package jsonrec

import (
	"reflect"
	"strconv"
	"testing"
)

func TestList(t *testing.T) {
	type target struct{ id, name string }
	rec, err := NewFlattener().Flatten(`{"t":[{"id":"a","name":"A"},{"id":"b"},{"name":"C"},{"id":"d","name":"D"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	var l List[target]
	for _, f := range rec.Fields {
		switch f.Key {
		case "t.id":
			l.Set(&l.Cur.id, f.Value)
		case "t.name":
			l.Set(&l.Cur.name, f.Value)
		}
	}
	l.Flush()
	// Element boundaries are seen only when a key repeats, so {"id":"b"}
	// and {"name":"C"} read as one element.
	want := []target{{"a", "A"}, {"b", "C"}, {"d", "D"}}
	if got := l.Items(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestListBound(t *testing.T) {
	var l List[struct{ id string }]
	for i := 0; i < MaxListItems+5; i++ {
		l.Set(&l.Cur.id, strconv.Itoa(i))
	}
	l.Flush()
	if n := len(l.Items()); n != MaxListItems || l.Items()[MaxListItems-1].id != strconv.Itoa(MaxListItems-1) {
		t.Errorf("%d items, last %v", n, l.Items()[n-1])
	}
	var empty List[struct{ id string }]
	empty.Flush()
	if len(empty.Items()) != 0 {
		t.Error("an empty list has items")
	}
}

func TestSetFirst(t *testing.T) {
	var s string
	SetFirst(&s, "a")
	SetFirst(&s, "b")
	if s != "a" {
		t.Errorf("got %q", s)
	}
}
