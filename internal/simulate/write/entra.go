package write

import "time"

// EntraSignInLayout lays out Microsoft Entra ID sign-ins as a daily export
// of Microsoft Graph's auditLogs/signIns: one response body a day,
// {"@odata.context": ..., "value": [...]} with a record per line
// (signIns-2026-03-10.json).
var EntraSignInLayout = Layout{
	Name: func(_ string, start time.Time) string { return "signIns-" + start.Format("2006-01-02") + ".json" },
	Header: func(b []byte, _, _ time.Time) []byte {
		return append(b, "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns\",\"value\":[\n"...)
	},
	Footer: func(b []byte, _, _ time.Time) []byte { return append(b, "\n]}\n"...) },
	Sep:    ",\n",
}
