package aws_test

import (
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	caws "github.com/causeway-soc/causeway/internal/respond/aws"
	"github.com/causeway-soc/causeway/internal/respond/aws/awsfake"
)

func TestBlockPublicS3(t *testing.T) {
	all := awsfake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	tests := []struct {
		name  string
		prior *awsfake.PublicAccessBlock
	}{
		{"no block before", nil},
		{"partial block before", &awsfake.PublicAccessBlock{BlockPublicAcls: true}},
		{"full block before", &all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := setup(t, caws.Config{})
			f.AddBucket("finance-reports", tt.prior)
			a := newAction(action.AWSBlockPublicS3, event.Resource("", "arn:aws:s3:::finance-reports", "finance-reports"), nil)
			got := decodeJSON(t, capture(t, c, a))
			if got["existed"] != (tt.prior != nil) {
				t.Fatalf("capture = %v", got)
			}
			applyTwice(t, c, a)
			if p, ok := f.PublicAccessBlock("finance-reports"); !ok || p != all {
				t.Fatalf("after apply the block is %+v (%t)", p, ok)
			}
			undo(t, c, a)
			p, ok := f.PublicAccessBlock("finance-reports")
			if tt.prior == nil {
				if ok {
					t.Fatalf("after undo the bucket has a block %+v, captured none", p)
				}
				return
			}
			if !ok || p != *tt.prior {
				t.Fatalf("after undo the block is %+v (%t), captured %+v", p, ok, *tt.prior)
			}
		})
	}
}
