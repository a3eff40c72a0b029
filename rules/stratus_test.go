package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/detect"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/sigma"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/cloudtrail"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/rules"
)

// stratus maps every AWS technique of Stratus Red Team that has a
// detonation log to the ATT&CK technique (v18) a finding must name and the
// rule file expected to raise it. The techniques mirror
// reference/cloud-techniques.md (first id of each row).
var stratus = []struct {
	id, technique, rule string
}{
	{"aws.credential-access.ec2-get-password-data", "T1552", "ec2_password_data_retrieved"},
	{"aws.credential-access.ec2-steal-instance-credentials", "T1552.005", "ec2_instance_credentials_used_externally"},
	{"aws.credential-access.secretsmanager-batch-retrieve-secrets", "T1555.006", "secretsmanager_batch_retrieval_by_filter"},
	{"aws.credential-access.secretsmanager-retrieve-secrets", "T1555.006", "secretsmanager_many_secrets_retrieved"},
	{"aws.credential-access.ssm-retrieve-securestring-parameters", "T1555.006", "ssm_parameters_enumerated_and_decrypted"},
	{"aws.defense-evasion.cloudtrail-delete", "T1562.008", "cloudtrail_trail_deleted"},
	{"aws.defense-evasion.cloudtrail-event-selectors", "T1562.008", "cloudtrail_event_selectors_narrowed"},
	{"aws.defense-evasion.cloudtrail-stop", "T1562.008", "cloudtrail_logging_stopped"},
	{"aws.defense-evasion.dns-delete-logs", "T1562.008", "route53_resolver_query_logging_removed"},
	{"aws.defense-evasion.organizations-leave", "T1666", "organizations_leave_attempt"},
	{"aws.defense-evasion.vpc-remove-flow-logs", "T1562.008", "vpc_flow_logs_deleted"},
	{"aws.discovery.ec2-download-user-data", "T1580", "ec2_user_data_read"},
	{"aws.execution.ec2-launch-unusual-instances", "T1578.002", "ec2_gpu_instance_launch"},
	{"aws.execution.ec2-user-data", "T1059", "ec2_user_data_modified"},
	{"aws.execution.ssm-send-command", "T1651", "ssm_send_command_shell_script"},
	{"aws.execution.ssm-start-session", "T1651", "ssm_sessions_to_many_instances"},
	{"aws.exfiltration.ec2-security-group-open-port-22-ingress", "T1562.007", "ec2_security_group_admin_port_open_to_internet"},
	{"aws.exfiltration.ec2-share-ami", "T1537", "ec2_ami_shared"},
	{"aws.exfiltration.ec2-share-ebs-snapshot", "T1537", "ec2_snapshot_shared"},
	{"aws.exfiltration.rds-share-snapshot", "T1537", "rds_snapshot_shared"},
	{"aws.impact.bedrock-invoke-model", "T1496.004", "bedrock_model_access_enabled"},
	{"aws.initial-access.console-login-without-mfa", "T1078.004", "console_login_without_mfa"},
	{"aws.lateral-movement.ec2-instance-connect", "T1021.008", "ec2_instance_connect_many_instances"},
	{"aws.lateral-movement.ec2-serial-console-send-ssh-public-key", "T1021.008", "ec2_serial_console_ssh_key"},
	{"aws.persistence.iam-backdoor-role", "T1098.003", "iam_role_trust_policy_opened"},
	{"aws.persistence.iam-backdoor-user", "T1098.001", "iam_access_key_created_for_other_user"},
	{"aws.persistence.iam-create-admin-user", "T1136.003", "iam_new_user_granted_admin"},
	{"aws.persistence.iam-create-backdoor-role", "T1136.003", "iam_new_role_trusting_account_granted_admin"},
	{"aws.persistence.iam-create-user-login-profile", "T1098.001", "iam_login_profile_created_without_reset"},
	{"aws.persistence.lambda-backdoor-function", "T1098", "lambda_permission_public_or_cross_account"},
	{"aws.persistence.lambda-layer-extension", "T1648", "lambda_layer_attached"},
	{"aws.persistence.lambda-overwrite-code", "T1648", "lambda_code_updated_directly"},
	{"aws.persistence.rolesanywhere-create-trust-anchor", "T1098.001", "rolesanywhere_external_trust_anchor"},
	{"aws.persistence.sts-federation-token", "T1098.001", "sts_federation_token_broad_policy"},
	{"aws.privilege-escalation.iam-update-user-login-profile", "T1098", "iam_login_profile_updated_without_reset"},
}

// loadPack compiles the embedded pack and fails on any load error or rule
// without a logsource mapping.
func loadPack(t *testing.T) *sigma.Ruleset {
	t.Helper()
	rs, errs := sigma.Load(sigma.Config{}, rules.FS)
	for _, e := range errs {
		t.Errorf("loading pack: %v", e)
	}
	if rs == nil {
		t.FailNow()
	}
	for _, r := range rs.Unmapped() {
		t.Errorf("%s (%s): logsource %s is not mapped", r.Path, r.Title, r.Logsource)
	}
	for _, r := range rs.Rules() {
		if len(r.Unresolved) > 0 {
			t.Errorf("%s (%s): unresolved placeholders %v", r.Path, r.Title, r.Unresolved)
		}
	}
	return rs
}

// ruleFiles maps every rule and correlation id to the stem of its file.
func ruleFiles(rs *sigma.Ruleset) map[string]string {
	stem := func(p string) string { return strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)) }
	files := map[string]string{}
	for _, r := range rs.Rules() {
		files[r.ID] = stem(r.Path)
	}
	for _, c := range rs.Correlations() {
		files[c.ID] = stem(c.Path)
	}
	return files
}

// readEvents decodes a file with the JSON reader and the CloudTrail record
// format only, the way the app reads it.
func readEvents(t *testing.T, path string) []*event.Event {
	t.Helper()
	formats := []source.Format{source.JSONFormat([]source.RecordFormat{cloudtrail.RecordFormat(nil)})}
	var sink sourcetest.Sink
	if err := source.NewWalker(source.Config{}, formats).Read(context.Background(), []string{path}, &sink); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	for _, err := range sink.Errs {
		t.Errorf("reading %s: %v", path, err)
	}
	for _, ev := range sink.Events {
		if ev.Source.Format != cloudtrail.Name {
			t.Errorf("%s: event read as %q, want %q", path, ev.Source.Format, cloudtrail.Name)
		}
	}
	return sink.Events
}

// detectAll runs the detector, correlations included, over events.
func detectAll(rs *sigma.Ruleset, evs []*event.Event) []finding.Finding {
	var out []finding.Finding
	emit := func(f finding.Finding) { out = append(out, f) }
	d := detect.New(rs, detect.Config{})
	for _, ev := range evs {
		d.Observe(ev, emit)
	}
	d.Flush(emit)
	return out
}

func TestStratusDetonations(t *testing.T) {
	dir := sourcetest.Corpus(t, filepath.Join("stratus-red-team", "detonation-logs"))
	logs, err := filepath.Glob(filepath.Join(dir, "aws.*.json"))
	if err != nil || len(logs) == 0 {
		t.Skipf("no detonation logs in %s", dir)
	}
	if len(logs) != len(stratus) {
		t.Errorf("%d detonation logs, %d techniques in the table: update the table", len(logs), len(stratus))
	}
	rs := loadPack(t)
	files := ruleFiles(rs)
	covered := 0
	for _, tc := range stratus {
		t.Run(tc.id, func(t *testing.T) {
			path := filepath.Join(dir, tc.id+".json")
			if _, err := os.Stat(path); err != nil {
				t.Skipf("no detonation log: %v", err)
			}
			fs := detectAll(rs, readEvents(t, path))
			var fired []string
			ok := false
			for _, f := range fs {
				fired = append(fired, files[f.Rule.ID]+" "+strings.Join(f.Rule.Techniques, ","))
				if files[f.Rule.ID] == tc.rule && slices.Contains(f.Rule.Techniques, tc.technique) {
					ok = true
				}
			}
			sort.Strings(fired)
			fired = slices.Compact(fired)
			if !ok {
				t.Errorf("no finding of %s naming %s; fired: %v", tc.rule, tc.technique, fired)
				return
			}
			covered++
			t.Logf("fired: %v", fired)
		})
	}
	t.Logf("%d of %d techniques detected", covered, len(stratus))
}
