// Package rules is Causeway's own detection content: Sigma rules (and
// correlation rules) kept as data, one folder per platform (aws/, windows/,
// linux/, okta/), each rule file beside hand-written samples it must fire on
// (x.positive.*) and must not fire on (x.benign.*). FS embeds the rule
// files only, so the binary carries the pack while the samples stay in the
// source tree for `causeway rules test rules/`.
package rules

import "embed"

// FS holds every rule file of the pack, by folder: "aws/cloudtrail_trail_deleted.yml".
//
//go:embed */*.yml
var FS embed.FS
