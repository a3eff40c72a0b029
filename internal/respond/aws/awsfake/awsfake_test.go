package awsfake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/causeway-soc/causeway/internal/respond/aws/awsfake"
)

func config(f *awsfake.Server) awssdk.Config {
	return awssdk.Config{
		Region: awsfake.Region, BaseEndpoint: awssdk.String(f.URL()), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(awsfake.AccessKeyID, awsfake.SecretAccessKey, ""),
	}
}

func code(err error) string {
	if ae, ok := errors.AsType[smithy.APIError](err); ok {
		return ae.ErrorCode()
	}
	return ""
}

// Operations the fake does not serve fail loudly instead of pretending.
func TestUnservedOperations(t *testing.T) {
	f := awsfake.New()
	defer f.Close()
	ctx := context.Background()
	if _, err := iam.NewFromConfig(config(f)).CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String("x")}); code(err) != "InvalidAction" {
		t.Errorf("iam CreateUser = %v, want InvalidAction", err)
	}
	if _, err := ec2.NewFromConfig(config(f)).TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-01234567"}}); code(err) != "InvalidAction" {
		t.Errorf("ec2 TerminateInstances = %v, want InvalidAction", err)
	}
	if len(f.Calls()) != 0 {
		t.Errorf("calls = %v", f.Calls())
	}
}

func TestUnsignedRequest(t *testing.T) {
	f := awsfake.New()
	defer f.Close()
	f.AddUser("alice")
	resp, err := http.Post(f.URL(), "application/x-www-form-urlencoded",
		strings.NewReader("Action=ListAccessKeys&Version=2010-05-08&UserName=alice"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned request answered %d", resp.StatusCode)
	}
}

// Seeded state reads back through the SDK as it was written.
func TestSeedReadsBack(t *testing.T) {
	f := awsfake.New()
	defer f.Close()
	f.AddUser("alice")
	if err := f.AddAccessKey("alice", "AKIAIOSFODNN7EXAMPLE", "Inactive"); err != nil {
		t.Fatal(err)
	}
	if err := f.PutUserPolicy("alice", "p", `{"Version":"2012-10-17","Statement":[]}`); err != nil {
		t.Fatal(err)
	}
	c := iam.NewFromConfig(config(f))
	ctx := context.Background()
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: awssdk.String("alice")})
	if err != nil || len(keys.AccessKeyMetadata) != 1 || keys.AccessKeyMetadata[0].Status != "Inactive" {
		t.Fatalf("ListAccessKeys = %+v, %v", keys, err)
	}
	p, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: awssdk.String("alice"), PolicyName: awssdk.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	if got := awssdk.ToString(p.PolicyDocument); got != "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D" {
		t.Fatalf("GetUserPolicy = %s (IAM returns documents URL-encoded)", got)
	}
	if err := f.AddAccessKey("nobody", "AKIAIOSFODNN7EXAMPL2", "Active"); err == nil {
		t.Error("a key was added to a missing user")
	}
}
