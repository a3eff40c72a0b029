package aws

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// Snapshots keep the disks of an instance as evidence before anything is
// stopped or cleaned. Each snapshot is tagged with the action and
// incident, which is also how applying again finds the snapshots it made.
// Undo leaves them: evidence is never deleted automatically.

// Tags put on every snapshot.
const (
	TagAction   = "causeway:action"
	TagIncident = "causeway:incident"
	TagInstance = "causeway:instance"
)

type snapshotCapture struct {
	Instance string   `json:"instance"`
	Volumes  []string `json:"volumes"`
}

func volumes(in types.Instance) []string {
	var out []string
	for _, m := range in.BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.VolumeId != nil {
			out = append(out, *m.Ebs.VolumeId)
		}
	}
	return out
}

func (c *Connector) captureSnapshot(ctx context.Context, a *action.Action) (any, error) {
	id, cl, err := c.instanceOf(a)
	if err != nil {
		return nil, err
	}
	in, err := c.instance(ctx, cl, id)
	if err != nil {
		return nil, err
	}
	vs := volumes(in)
	if len(vs) == 0 {
		return nil, fmt.Errorf("instance %s has no EBS volume", id)
	}
	return snapshotCapture{Instance: id, Volumes: vs}, nil
}

// snapshotsOf lists the snapshots this action made of a volume.
func (c *Connector) snapshotsOf(ctx context.Context, cl *ec2.Client, a *action.Action, vol string) ([]types.Snapshot, error) {
	out, err := cl.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{
		OwnerIds: []string{"self"},
		Filters: []types.Filter{
			{Name: awssdk.String("volume-id"), Values: []string{vol}},
			{Name: awssdk.String("tag:" + TagAction), Values: []string{a.ID.String()}},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("listing snapshots of %s: %w", vol, err)
	}
	return out.Snapshots, nil
}

func (c *Connector) applySnapshot(ctx context.Context, a *action.Action) error {
	id, cl, err := c.instanceOf(a)
	if err != nil {
		return err
	}
	in, err := c.instance(ctx, cl, id)
	if err != nil {
		return err
	}
	for _, vol := range volumes(in) {
		have, err := c.snapshotsOf(ctx, cl, a, vol)
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue
		}
		desc := fmt.Sprintf("Causeway evidence of %s for incident %s", id, a.Reason.Incident.String())
		_, err = cl.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{
			VolumeId: &vol, Description: &desc,
			TagSpecifications: []types.TagSpecification{{
				ResourceType: types.ResourceTypeSnapshot,
				Tags: []types.Tag{
					{Key: awssdk.String(TagAction), Value: awssdk.String(a.ID.String())},
					{Key: awssdk.String(TagIncident), Value: awssdk.String(a.Reason.Incident.String())},
					{Key: awssdk.String(TagInstance), Value: &id},
				},
			}},
		})
		if err != nil {
			return fmt.Errorf("snapshotting %s of %s: %w", vol, id, err)
		}
	}
	return nil
}

func (c *Connector) verifySnapshot(ctx context.Context, a *action.Action) error {
	id, cl, err := c.instanceOf(a)
	if err != nil {
		return err
	}
	in, err := c.instance(ctx, cl, id)
	if err != nil {
		return err
	}
	for _, vol := range volumes(in) {
		have, err := c.snapshotsOf(ctx, cl, a, vol)
		if err != nil {
			return err
		}
		ok := false
		for _, s := range have {
			ok = ok || s.State != types.SnapshotStateError
		}
		if !ok {
			return fmt.Errorf("no good snapshot of %s of %s", vol, id)
		}
	}
	return nil
}

// undoSnapshot leaves the snapshots in place: they are evidence.
func (c *Connector) undoSnapshot(context.Context, *action.Action, []byte) error { return nil }
