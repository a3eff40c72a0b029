package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// policyCapture is an inline policy slot before the connector wrote it:
// whether a policy of that name existed and its document.
type policyCapture struct {
	Principal principal `json:"principal"`
	Policy    string    `json:"policy"`
	Existed   bool      `json:"existed"`
	Document  string    `json:"document,omitempty"`
}

// getPolicy reads an inline policy; found is false when there is none.
// IAM returns the document URL-encoded.
func (c *Connector) getPolicy(ctx context.Context, p principal, name string) (doc string, found bool, err error) {
	var raw *string
	if p.Kind == "role" {
		out, e := c.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &p.Name, PolicyName: &name})
		if e == nil {
			raw = out.PolicyDocument
		}
		err = e
	} else {
		out, e := c.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: &p.Name, PolicyName: &name})
		if e == nil {
			raw = out.PolicyDocument
		}
		err = e
	}
	if err != nil {
		if errCode(err) == "NoSuchEntity" {
			// Either the policy or the principal is missing: tell apart,
			// so that acting on an unknown principal is an error.
			if perr := c.principalExists(ctx, p); perr != nil {
				return "", false, perr
			}
			return "", false, nil
		}
		return "", false, fmt.Errorf("reading policy %s of %s %s: %w", name, p.Kind, p.Name, err)
	}
	doc, err = url.PathUnescape(awssdk.ToString(raw))
	if err != nil {
		return "", false, fmt.Errorf("decoding policy %s of %s %s: %w", name, p.Kind, p.Name, err)
	}
	return doc, true, nil
}

func (c *Connector) principalExists(ctx context.Context, p principal) error {
	var err error
	if p.Kind == "role" {
		_, err = c.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: &p.Name})
	} else {
		_, err = c.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: &p.Name})
	}
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", p.Kind, p.Name, err)
	}
	return nil
}

func (c *Connector) putPolicy(ctx context.Context, p principal, name, doc string) error {
	var err error
	if p.Kind == "role" {
		_, err = c.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &p.Name, PolicyName: &name, PolicyDocument: &doc})
	} else {
		_, err = c.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &p.Name, PolicyName: &name, PolicyDocument: &doc})
	}
	if err != nil {
		return fmt.Errorf("writing policy %s of %s %s: %w", name, p.Kind, p.Name, err)
	}
	return nil
}

// deletePolicy removes an inline policy; one already gone is fine.
func (c *Connector) deletePolicy(ctx context.Context, p principal, name string) error {
	var err error
	if p.Kind == "role" {
		_, err = c.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: &p.Name, PolicyName: &name})
	} else {
		_, err = c.iam.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: &p.Name, PolicyName: &name})
	}
	if err != nil && errCode(err) != "NoSuchEntity" {
		return fmt.Errorf("deleting policy %s of %s %s: %w", name, p.Kind, p.Name, err)
	}
	return nil
}

func (c *Connector) capturePolicy(ctx context.Context, p principal, name string) (policyCapture, error) {
	doc, found, err := c.getPolicy(ctx, p, name)
	if err != nil {
		return policyCapture{}, err
	}
	return policyCapture{Principal: p, Policy: name, Existed: found, Document: doc}, nil
}

// restorePolicy puts the captured document back, or deletes the slot when
// it was empty. The principal must be the one the action names.
func (c *Connector) restorePolicy(ctx context.Context, p principal, captured []byte) error {
	var pc policyCapture
	if err := decode(captured, &pc); err != nil {
		return err
	}
	if pc.Principal != p {
		return fmt.Errorf("captured state is for %s %s, not %s %s", pc.Principal.Kind, pc.Principal.Name, p.Kind, p.Name)
	}
	if pc.Policy != c.cfg.DenyPolicy && pc.Policy != c.cfg.RevokePolicy {
		return fmt.Errorf("captured policy %q is not one the connector owns", pc.Policy)
	}
	if pc.Existed {
		return c.putPolicy(ctx, p, pc.Policy, pc.Document)
	}
	return c.deletePolicy(ctx, p, pc.Policy)
}

// checkPolicy verifies that the inline policy holds want, compared as
// JSON values (IAM may reformat a document).
func (c *Connector) checkPolicy(ctx context.Context, p principal, name, want string) error {
	doc, found, err := c.getPolicy(ctx, p, name)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%s %s has no policy %s", p.Kind, p.Name, name)
	}
	var got, exp any
	if err := json.Unmarshal([]byte(doc), &got); err != nil {
		return fmt.Errorf("decoding policy %s of %s %s: %w", name, p.Kind, p.Name, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		return fmt.Errorf("decoding expected policy: %w", err)
	}
	if !reflect.DeepEqual(got, exp) {
		return fmt.Errorf("policy %s of %s %s differs from what was written", name, p.Kind, p.Name)
	}
	return nil
}

// policyDoc is an IAM policy with one Deny statement.
type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Action    string                       `json:"Action"`
	Resource  string                       `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

func denyDoc(sid string, cond map[string]map[string]string) string {
	b, _ := json.Marshal(policyDoc{Version: "2012-10-17", Statement: []statement{
		{Sid: sid, Effect: "Deny", Action: "*", Resource: "*", Condition: cond},
	}})
	return string(b)
}
