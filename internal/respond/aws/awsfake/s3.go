package awsfake

import (
	"encoding/xml"
	"net/http"
	"strings"
)

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

type xmlPAB struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	NS                    string   `xml:"xmlns,attr,omitempty"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

// serveS3 answers the bucket public access block operations, path-style
// (/bucket?publicAccessBlock). The lock is held.
func (s *Server) serveS3(w http.ResponseWriter, r *http.Request, body []byte) {
	name := strings.Trim(r.URL.Path, "/")
	_, pab := r.URL.Query()["publicAccessBlock"]
	if !pab || name == "" || strings.Contains(name, "/") {
		writeS3Error(w, errf(400, "NotImplemented", "this fake serves only bucket public access blocks"), requestID())
		return
	}
	b := s.st.buckets[name]
	if b == nil {
		writeS3Error(w, errf(404, "NoSuchBucket", "the specified bucket does not exist"), requestID())
		return
	}
	switch r.Method {
	case http.MethodGet:
		if b.pab == nil {
			writeS3Error(w, errf(404, "NoSuchPublicAccessBlockConfiguration", "the public access block configuration was not found"), requestID())
			return
		}
		s.record("s3", "GetPublicAccessBlock")
		p := b.pab
		w.Header().Set("Content-Type", "application/xml")
		_ = xml.NewEncoder(w).Encode(xmlPAB{NS: s3NS, BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
			BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets})
	case http.MethodPut:
		var x xmlPAB
		if err := xml.Unmarshal(body, &x); err != nil {
			writeS3Error(w, errf(400, "MalformedXML", "the XML you provided was not well-formed"), requestID())
			return
		}
		s.record("s3", "PutPublicAccessBlock")
		b.pab = &PublicAccessBlock{BlockPublicAcls: x.BlockPublicAcls, IgnorePublicAcls: x.IgnorePublicAcls,
			BlockPublicPolicy: x.BlockPublicPolicy, RestrictPublicBuckets: x.RestrictPublicBuckets}
	case http.MethodDelete:
		s.record("s3", "DeletePublicAccessBlock")
		b.pab = nil
		w.WriteHeader(http.StatusNoContent)
	default:
		writeS3Error(w, errf(405, "MethodNotAllowed", "the specified method is not allowed against this resource"), requestID())
	}
}

func writeS3Error(w http.ResponseWriter, e *apiError, id string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", id)
	w.WriteHeader(e.status)
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
		ID      string   `xml:"RequestId"`
	}{Code: e.code, Message: e.message, ID: id})
}
