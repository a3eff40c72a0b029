package idp

// Environment variables ConfigFromEnv reads: the names Okta's and
// Microsoft's own SDKs use, and two endpoint overrides for national
// clouds and test servers.
const (
	EnvOktaOrgURL   = "OKTA_CLIENT_ORGURL"
	EnvOktaToken    = "OKTA_CLIENT_TOKEN"
	EnvTenantID     = "AZURE_TENANT_ID"
	EnvClientID     = "AZURE_CLIENT_ID"
	EnvClientSecret = "AZURE_CLIENT_SECRET"
	EnvGraphURL     = "CAUSEWAY_GRAPH_URL"
	EnvAuthorityURL = "CAUSEWAY_ENTRA_AUTHORITY_URL"
	EnvEntraToken   = "CAUSEWAY_ENTRA_TOKEN"
)

// ConfigFromEnv builds a Config from environment variables (pass
// os.Getenv): Okta when its org URL is set, Entra when a tenant or a token
// is. Missing secrets surface as errors from New.
func ConfigFromEnv(getenv func(string) string) Config {
	var cfg Config
	if org := getenv(EnvOktaOrgURL); org != "" {
		cfg.Okta = &OktaConfig{OrgURL: org, Token: getenv(EnvOktaToken)}
	}
	if getenv(EnvTenantID) != "" || getenv(EnvEntraToken) != "" {
		cfg.Entra = &EntraConfig{
			GraphURL:     getenv(EnvGraphURL),
			AuthorityURL: getenv(EnvAuthorityURL),
			TenantID:     getenv(EnvTenantID),
			ClientID:     getenv(EnvClientID),
			ClientSecret: getenv(EnvClientSecret),
			Token:        getenv(EnvEntraToken),
		}
	}
	return cfg
}
