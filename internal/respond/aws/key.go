package aws

import (
	"context"
	"fmt"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// keyCapture is the state of an access key before deactivation, with the
// user's other keys: attackers often create a second key first.
type keyCapture struct {
	User      string     `json:"user"`
	Key       string     `json:"access_key_id"`
	Status    string     `json:"status"`
	LastUsed  *time.Time `json:"last_used,omitempty"`
	Service   string     `json:"last_service,omitempty"`
	Region    string     `json:"last_region,omitempty"`
	OtherKeys []keyState `json:"other_keys,omitempty"`
}

type keyState struct {
	Key     string    `json:"access_key_id"`
	Status  string    `json:"status"`
	Created time.Time `json:"created"`
}

// keyOwner finds the key id and its user: the user parameter when given,
// else the owner IAM reports for the key.
func (c *Connector) keyOwner(ctx context.Context, a *action.Action) (key, user string, last *iam.GetAccessKeyLastUsedOutput, err error) {
	if key, err = accessKeyOf(a); err != nil {
		return "", "", nil, err
	}
	last, err = c.iam.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: &key})
	if err != nil {
		return "", "", nil, fmt.Errorf("finding the owner of key %s: %w", key, err)
	}
	user = awssdk.ToString(last.UserName)
	if p := a.Params[ParamUser]; p != "" && p != user {
		return "", "", nil, fmt.Errorf("key %s belongs to %q, not %q", key, user, p)
	}
	if !iamNameRE.MatchString(user) {
		return "", "", nil, fmt.Errorf("key %s has no IAM user owner", key)
	}
	return key, user, last, nil
}

// keys lists a user's access keys.
func (c *Connector) keys(ctx context.Context, user string) ([]types.AccessKeyMetadata, error) {
	var out []types.AccessKeyMetadata
	p := iam.NewListAccessKeysPaginator(c.iam, &iam.ListAccessKeysInput{UserName: &user})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing keys of %s: %w", user, err)
		}
		out = append(out, page.AccessKeyMetadata...)
	}
	return out, nil
}

// keyStatus is the status of one of the user's keys.
func (c *Connector) keyStatus(ctx context.Context, user, key string) (string, []keyState, error) {
	ks, err := c.keys(ctx, user)
	if err != nil {
		return "", nil, err
	}
	status := ""
	var others []keyState
	for _, k := range ks {
		id := awssdk.ToString(k.AccessKeyId)
		if id == key {
			status = string(k.Status)
			continue
		}
		others = append(others, keyState{id, string(k.Status), awssdk.ToTime(k.CreateDate)})
	}
	if status == "" {
		return "", nil, fmt.Errorf("user %s has no key %s", user, key)
	}
	return status, others, nil
}

func (c *Connector) captureKey(ctx context.Context, a *action.Action) (any, error) {
	key, user, last, err := c.keyOwner(ctx, a)
	if err != nil {
		return nil, err
	}
	status, others, err := c.keyStatus(ctx, user, key)
	if err != nil {
		return nil, err
	}
	kc := keyCapture{User: user, Key: key, Status: status, OtherKeys: others}
	if u := last.AccessKeyLastUsed; u != nil {
		kc.LastUsed, kc.Service, kc.Region = u.LastUsedDate, awssdk.ToString(u.ServiceName), awssdk.ToString(u.Region)
	}
	return kc, nil
}

func (c *Connector) setKey(ctx context.Context, user, key string, st types.StatusType) error {
	_, err := c.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: &user, AccessKeyId: &key, Status: st})
	if err != nil {
		return fmt.Errorf("setting key %s of %s %s: %w", key, user, st, err)
	}
	return nil
}

func (c *Connector) applyKey(ctx context.Context, a *action.Action) error {
	key, user, _, err := c.keyOwner(ctx, a)
	if err != nil {
		return err
	}
	return c.setKey(ctx, user, key, types.StatusTypeInactive)
}

func (c *Connector) verifyKey(ctx context.Context, a *action.Action) error {
	key, user, _, err := c.keyOwner(ctx, a)
	if err != nil {
		return err
	}
	status, _, err := c.keyStatus(ctx, user, key)
	if err != nil {
		return err
	}
	if status != string(types.StatusTypeInactive) {
		return fmt.Errorf("key %s of %s is %s", key, user, status)
	}
	return nil
}

func (c *Connector) undoKey(ctx context.Context, a *action.Action, captured []byte) error {
	var kc keyCapture
	if err := decode(captured, &kc); err != nil {
		return err
	}
	key, err := accessKeyOf(a)
	if err != nil {
		return err
	}
	if kc.Key != key || !iamNameRE.MatchString(kc.User) {
		return fmt.Errorf("captured state is for key %s, not %s", kc.Key, key)
	}
	st := types.StatusType(kc.Status)
	if st != types.StatusTypeActive && st != types.StatusTypeInactive {
		return fmt.Errorf("captured status %q is not Active or Inactive", kc.Status)
	}
	return c.setKey(ctx, kc.User, key, st)
}
