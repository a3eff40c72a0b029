package jsonrec

import (
	"strings"
	"testing"
)

// benchRecord is a CloudTrail-shaped record: nested objects, a list of
// objects, numbers, literals and an escaped string.
const benchRecord = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice","arn":"arn:aws:sts::123456789012:assumed-role/Admin/alice","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/Admin","userName":"Admin"},"attributes":{"creationDate":"2024-03-01T10:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-03-01T10:05:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0 Python/3.11.6 \"Linux\"","requestParameters":{"bucketName":"logs","policy":"{\"Version\":\"2012-10-17\"}"},"responseElements":null,"readOnly":false,"resources":[{"ARN":"arn:aws:s3:::logs","type":"AWS::S3::Bucket"},{"accountId":"123456789012","type":"AWS::S3::Object"}],"eventType":"AwsApiCall","recipientAccountId":"123456789012","tlsDetails":{"tlsVersion":"TLSv1.3","clientProvidedHostHeader":"logs.s3.amazonaws.com"},"bytesTransferredIn":1024}`

// BenchmarkFlatten flattens one record again and again, as a reader does
// over a stream of similar records.
func BenchmarkFlatten(b *testing.B) {
	fl := NewFlattener()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchRecord)))
	for b.Loop() {
		if _, err := fl.Flatten(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanner splits a stream of JSON lines into records.
func BenchmarkScanner(b *testing.B) {
	data := strings.Repeat(benchRecord+"\n", 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sc := NewScanner(strings.NewReader(data), 0)
		for {
			if _, _, err := sc.Next(); err != nil {
				break
			}
		}
	}
}
