package awsfake

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

const iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"

type iamMember struct {
	UserName    string `xml:"UserName"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	CreateDate  string `xml:"CreateDate"`
}

type lastUsedResult struct {
	UserName    string `xml:"UserName"`
	ServiceName string `xml:"AccessKeyLastUsed>ServiceName"`
	Region      string `xml:"AccessKeyLastUsed>Region"`
}

// policyName is IAM's pattern for policy names.
var policyName = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)

type iamPolicy struct {
	UserName       string `xml:"UserName,omitempty"`
	RoleName       string `xml:"RoleName,omitempty"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

// serveIAM answers one IAM query-protocol operation. The lock is held.
func (s *Server) serveIAM(w http.ResponseWriter, op string, f url.Values) {
	result, err := s.iam(op, f)
	if err != nil {
		writeIAMError(w, err, requestID())
		return
	}
	s.record("iam", op)
	w.Header().Set("Content-Type", "text/xml")
	enc := xml.NewEncoder(w)
	start := xml.StartElement{Name: xml.Name{Local: op + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: iamNS}}}
	_ = enc.EncodeToken(start)
	if result != nil {
		_ = enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: op + "Result"}})
	}
	_ = enc.EncodeElement(struct {
		RequestID string `xml:"RequestId"`
	}{requestID()}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	_ = enc.EncodeToken(start.End())
	_ = enc.Flush()
}

func (s *Server) iam(op string, f url.Values) (any, *apiError) {
	switch op {
	case "GetAccessKeyLastUsed":
		k := s.st.keys[f.Get("AccessKeyId")]
		if k == nil {
			return nil, errf(404, "NoSuchEntity", "the access key %s cannot be found", f.Get("AccessKeyId"))
		}
		return lastUsedResult{UserName: k.User, ServiceName: "N/A", Region: "N/A"}, nil
	case "ListAccessKeys":
		user := f.Get("UserName")
		if s.st.users[user] == nil {
			return nil, errf(404, "NoSuchEntity", "the user with name %s cannot be found", user)
		}
		var ms []iamMember
		for _, k := range s.st.keys {
			if k.User == user {
				ms = append(ms, iamMember{k.User, k.ID, k.Status, k.Created.Format(time.RFC3339)})
			}
		}
		return struct {
			Members     []iamMember `xml:"AccessKeyMetadata>member"`
			IsTruncated bool        `xml:"IsTruncated"`
		}{Members: ms}, nil
	case "UpdateAccessKey":
		k := s.st.keys[f.Get("AccessKeyId")]
		if k == nil || k.User != f.Get("UserName") {
			return nil, errf(404, "NoSuchEntity", "the access key %s of user %s cannot be found", f.Get("AccessKeyId"), f.Get("UserName"))
		}
		st := f.Get("Status")
		if st != "Active" && st != "Inactive" {
			return nil, errf(400, "ValidationError", "status %q is not Active or Inactive", st)
		}
		k.Status = st
		return nil, nil
	case "GetRole":
		r := s.st.roles[f.Get("RoleName")]
		if r == nil {
			return nil, errf(404, "NoSuchEntity", "the role with name %s cannot be found", f.Get("RoleName"))
		}
		return struct {
			RoleName           string `xml:"Role>RoleName"`
			MaxSessionDuration int32  `xml:"Role>MaxSessionDuration"`
		}{f.Get("RoleName"), r.maxSess}, nil
	}
	kind, verb, ok := policyOp(op)
	if !ok {
		return nil, errf(400, "InvalidAction", "the action %s is not valid for this web service", op)
	}
	m, nameKey := s.st.users, "UserName"
	if kind == "Role" {
		m, nameKey = s.st.roles, "RoleName"
	}
	who, name := f.Get(nameKey), f.Get("PolicyName")
	p := m[who]
	if p == nil {
		return nil, errf(404, "NoSuchEntity", "the %s with name %s cannot be found", strings.ToLower(kind), who)
	}
	if name == "" || !policyName.MatchString(name) {
		return nil, errf(400, "ValidationError", "invalid policy name %q", name)
	}
	switch verb {
	case "Put":
		doc := f.Get("PolicyDocument")
		if !json.Valid([]byte(doc)) {
			return nil, errf(400, "MalformedPolicyDocument", "the policy is not valid JSON")
		}
		p.policies[name] = doc
		return nil, nil
	case "Delete":
		if _, ok := p.policies[name]; !ok {
			return nil, errf(404, "NoSuchEntity", "the %s policy with name %s cannot be found", strings.ToLower(kind), name)
		}
		delete(p.policies, name)
		return nil, nil
	}
	doc, ok := p.policies[name]
	if !ok {
		return nil, errf(404, "NoSuchEntity", "the %s policy with name %s cannot be found", strings.ToLower(kind), name)
	}
	out := iamPolicy{PolicyName: name, PolicyDocument: iamEscape(doc)}
	if kind == "Role" {
		out.RoleName = who
	} else {
		out.UserName = who
	}
	return out, nil
}

// policyOp splits "PutUserPolicy" into ("User", "Put").
func policyOp(op string) (kind, verb string, ok bool) {
	for _, v := range []string{"Get", "Put", "Delete"} {
		for _, k := range []string{"User", "Role"} {
			if op == v+k+"Policy" {
				return k, v, true
			}
		}
	}
	return "", "", false
}

// iamEscape URL-encodes a policy document as IAM returns it (RFC 3986:
// spaces as %20, never +).
func iamEscape(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func writeIAMError(w http.ResponseWriter, e *apiError, id string) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		NS      string   `xml:"xmlns,attr"`
		Type    string   `xml:"Error>Type"`
		Code    string   `xml:"Error>Code"`
		Message string   `xml:"Error>Message"`
		ID      string   `xml:"RequestId"`
	}{NS: iamNS, Type: typ, Code: e.code, Message: e.message, ID: id})
}
