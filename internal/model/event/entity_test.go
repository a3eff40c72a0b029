package event

import "testing"

func TestEntityIDs(t *testing.T) {
	h := Host("MKT01.pandalab.com")
	tests := []struct {
		name string
		got  Entity
		want string
	}{
		{"host short and lower", h, "host:mkt01"},
		{"host ip kept whole", Host("10.0.5.13"), "host:10.0.5.13"},
		{"host instance id", Host("i-0abc123"), "host:i-0abc123"},
		{"host dash is none", Host("-"), ""},
		{"process guid braces and case", Process(h, "{9A1B2C3D-0000-0000-0000-00000000ABCD}", `C:\x.exe`), "process:mkt01/9a1b2c3d-0000-0000-0000-00000000abcd"},
		{"process null guid", Process(h, "00000000-0000-0000-0000-000000000000", ""), ""},
		{"process pid needs start", ProcessPID(h, 42, "", ""), ""},
		{"process pid with start", ProcessPID(h, 42, "2023-08-15T09:53:59.757000Z", ""), "process:mkt01/pid/42@2023-08-15T09:53:59.757000Z"},
		{"windows file folded", File(h, `C:/Users/Alice/Evil.EXE`, true), `file:mkt01/c:\users\alice\evil.exe`},
		{"unix file kept", File(Host("web1"), "/tmp/X", false), "file:web1//tmp/X"},
		{"ip unmapped", IP("::ffff:203.0.113.80"), "ip:203.0.113.80"},
		{"ip not an ip kept", IP("ec2.amazonaws.com"), "ip:ec2.amazonaws.com"},
		{"endpoint v4", Endpoint("10.0.5.13", 8080), "ip:10.0.5.13:8080"},
		{"endpoint v6", Endpoint("2001:db8::1", 443), "ip:[2001:db8::1]:443"},
		{"endpoint no port", Endpoint("10.0.5.13", 0), "ip:10.0.5.13"},
		{"domain trailing dot", Domain("Files.Example.COM."), "domain:files.example.com"},
		{"session", Session("host:mkt01", "0x3E7", ""), "session:host:mkt01/0x3e7"},
		{"credential", Credential(" AKIAEXAMPLE "), "credential:AKIAEXAMPLE"},
		{"resource scoped", Resource("host:mkt01", "service:evil", ""), "resource:host:mkt01/service:evil"},
		{"resource global", Resource("", "arn:aws:s3:::bucket", ""), "resource:arn:aws:s3:::bucket"},
	}
	for _, tt := range tests {
		if tt.got.ID != tt.want {
			t.Errorf("%s: id %q, want %q", tt.name, tt.got.ID, tt.want)
		}
	}
}

func TestPrincipals(t *testing.T) {
	p := &Principals{Domains: map[string]string{"CORP": "corp.com"}}
	h := Host("WS1.corp.com")
	same := []Entity{
		p.Windows("CORP", "Alice", h),
		p.Windows("", `corp\alice`, h),
		p.Name("alice@corp.com"),
		p.Name(`CORP\alice`),
		p.Name("Alice@Corp.com"),
	}
	for _, e := range same {
		if e.ID != "principal:alice@corp.com" {
			t.Errorf("%q resolves to %q, want principal:alice@corp.com", e.Name, e.ID)
		}
	}
	if a, b := p.Windows("NT AUTHORITY", "SYSTEM", h), p.Windows("NT AUTHORITY", "SYSTEM", Host("ws2")); a.ID == b.ID {
		t.Errorf("SYSTEM on two hosts must be two principals: %q", a.ID)
	}
	if e := p.Windows("WS1", "admin", h); e.ID != `principal:ws1/ws1\admin` {
		t.Errorf("local account: %q", e.ID)
	}
	if e := (&Principals{}).Windows("OTHER", "bob", h); e.ID != "principal:bob@other" {
		t.Errorf("unmapped domain: %q", e.ID)
	}
	if e := p.Cloud("arn:aws:iam::1:user/Bob"); e.ID != "principal:arn:aws:iam::1:user/Bob" {
		t.Errorf("cloud ids keep case: %q", e.ID)
	}
	if e := p.Name("-"); e.ID != "" {
		t.Errorf("dash is no principal: %q", e.ID)
	}
}

func TestID(t *testing.T) {
	a, b := NewID("windows", "mkt01", "security", "1"), NewID("windows", "mkt0", "1security", "1")
	if a == b {
		t.Error("parts must be separated in the hash")
	}
	text, _ := a.MarshalText()
	var back ID
	if err := back.UnmarshalText(text); err != nil || back != a || len(text) != 32 {
		t.Errorf("round trip: %s -> %v, %v", text, back, err)
	}
	if err := back.UnmarshalText([]byte("xyz")); err == nil {
		t.Error("bad hex accepted")
	}
}
