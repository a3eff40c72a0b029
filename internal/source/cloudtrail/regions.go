package cloudtrail

import "strings"

// knownRegion reports whether r is a real AWS region code. Pseudonymised
// logs replace regions with look-alikes ("us-north-2r"); those records are
// kept and flagged.
func knownRegion(r string) bool {
	switch r {
	case "us-east-1", "us-east-2", "us-west-1", "us-west-2",
		"af-south-1",
		"ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
		"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
		"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
		"eu-south-1", "eu-south-2", "eu-north-1",
		"il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
		"us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
		"us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "eusc-de-east-1":
		return true
	}
	return false
}

// partitionOf is the ARN partition of a region; unknown regions are in "aws".
func partitionOf(region string) string {
	if !knownRegion(region) {
		return "aws"
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}
