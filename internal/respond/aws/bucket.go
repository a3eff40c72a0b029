package aws

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// Blocking public access sets all four flags of the bucket's public
// access block: public ACLs and policies are refused and ignored. A bucket
// may have had no block at all; undo then deletes it again.

// accessBlock is a bucket's public access block.
type accessBlock struct {
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

type bucketCapture struct {
	Bucket  string       `json:"bucket"`
	Existed bool         `json:"existed"`
	Block   *accessBlock `json:"block,omitempty"`
}

// getBlock reads the block; nil when the bucket has none.
func (c *Connector) getBlock(ctx context.Context, cl *s3.Client, bucket string) (*accessBlock, error) {
	out, err := cl.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
	if err != nil {
		if errCode(err) == "NoSuchPublicAccessBlockConfiguration" {
			return nil, nil
		}
		return nil, fmt.Errorf("reading the public access block of %s: %w", bucket, err)
	}
	p := out.PublicAccessBlockConfiguration
	if p == nil {
		return nil, nil
	}
	return &accessBlock{
		BlockPublicAcls: awssdk.ToBool(p.BlockPublicAcls), IgnorePublicAcls: awssdk.ToBool(p.IgnorePublicAcls),
		BlockPublicPolicy: awssdk.ToBool(p.BlockPublicPolicy), RestrictPublicBuckets: awssdk.ToBool(p.RestrictPublicBuckets),
	}, nil
}

func (c *Connector) putBlock(ctx context.Context, cl *s3.Client, bucket string, b accessBlock) error {
	_, err := cl.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: &bucket,
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls: &b.BlockPublicAcls, IgnorePublicAcls: &b.IgnorePublicAcls,
			BlockPublicPolicy: &b.BlockPublicPolicy, RestrictPublicBuckets: &b.RestrictPublicBuckets,
		},
	})
	if err != nil {
		return fmt.Errorf("writing the public access block of %s: %w", bucket, err)
	}
	return nil
}

var blockAll = accessBlock{true, true, true, true}

func (c *Connector) captureBucket(ctx context.Context, a *action.Action) (any, error) {
	name, cl, err := c.bucketOf(a)
	if err != nil {
		return nil, err
	}
	b, err := c.getBlock(ctx, cl, name)
	if err != nil {
		return nil, err
	}
	return bucketCapture{Bucket: name, Existed: b != nil, Block: b}, nil
}

func (c *Connector) applyBucket(ctx context.Context, a *action.Action) error {
	name, cl, err := c.bucketOf(a)
	if err != nil {
		return err
	}
	return c.putBlock(ctx, cl, name, blockAll)
}

func (c *Connector) verifyBucket(ctx context.Context, a *action.Action) error {
	name, cl, err := c.bucketOf(a)
	if err != nil {
		return err
	}
	b, err := c.getBlock(ctx, cl, name)
	if err != nil {
		return err
	}
	if b == nil || *b != blockAll {
		return fmt.Errorf("bucket %s does not block all public access", name)
	}
	return nil
}

func (c *Connector) undoBucket(ctx context.Context, a *action.Action, captured []byte) error {
	name, cl, err := c.bucketOf(a)
	if err != nil {
		return err
	}
	var bc bucketCapture
	if err := decode(captured, &bc); err != nil {
		return err
	}
	if bc.Bucket != name {
		return fmt.Errorf("captured state is for bucket %s, not %s", bc.Bucket, name)
	}
	if bc.Existed && bc.Block != nil {
		return c.putBlock(ctx, cl, name, *bc.Block)
	}
	if _, err := cl.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: &name}); err != nil {
		return fmt.Errorf("deleting the public access block of %s: %w", name, err)
	}
	return nil
}
