package simulate

import "fmt"

// DefaultEnvironment is a small company: twenty Windows workstations, a
// domain controller, three Linux servers (one reachable by SSH from the
// Internet), an AWS account with developers' keys, a CI user, roles,
// buckets and three instances (an application, its database and the
// backup), an Okta organisation with a VPN gateway, and an Entra ID tenant
// for Microsoft 365.
func DefaultEnvironment() *Environment {
	people := []struct {
		name, full string
		groups     []string
	}{
		{"alice.martin", "Alice Martin", []string{"finance"}},
		{"bruno.costa", "Bruno Costa", []string{"developers"}},
		{"chloe.dubois", "Chloe Dubois", []string{"sales"}},
		{"david.kim", "David Kim", []string{"developers"}},
		{"erin.walsh", "Erin Walsh", []string{"it-admins"}},
		{"farid.haddad", "Farid Haddad", []string{"finance"}},
		{"grace.ng", "Grace Ng", []string{"developers"}},
		{"hugo.silva", "Hugo Silva", []string{"sales"}},
		{"ines.moreau", "Ines Moreau", []string{"hr"}},
		{"jonas.berg", "Jonas Berg", []string{"developers"}},
		{"kate.obrien", "Kate O'Brien", []string{"marketing"}},
		{"liam.patel", "Liam Patel", []string{"it-admins"}},
		{"maya.rossi", "Maya Rossi", []string{"finance"}},
		{"nils.larsen", "Nils Larsen", []string{"developers"}},
		{"olivia.chen", "Olivia Chen", []string{"marketing"}},
		{"pedro.alves", "Pedro Alves", []string{"sales"}},
		{"quinn.baker", "Quinn Baker", []string{"developers"}},
		{"rosa.lopez", "Rosa Lopez", []string{"hr"}},
		{"sam.taylor", "Sam Taylor", []string{"sales"}},
		{"tara.singh", "Tara Singh", []string{"management"}},
	}
	env := &Environment{
		Name:           "Corp Example",
		Domain:         Domain{NetBIOS: "CORP", DNS: "corp.example.com"},
		UTCOffsetHours: 1,
		WorkHours:      [2]int{8, 18},
		EgressIP:       "198.18.40.10",
		CrownJewels:    []string{"dc01", "db01", "corp-finance-reports"},
	}
	for i, p := range people {
		env.Users = append(env.Users, User{Name: p.name, FullName: p.full, Groups: p.groups})
		env.Hosts = append(env.Hosts, Host{
			Name: fmt.Sprintf("ws%02d", i+1), OS: "windows", Role: "workstation",
			IP: fmt.Sprintf("10.10.1.%d", 11+i), User: p.name,
		})
	}
	env.Hosts = append(env.Hosts,
		Host{Name: "dc01", OS: "windows", Role: "domain_controller", IP: "10.10.2.10"},
		Host{Name: "bastion01", OS: "linux", Role: "server", IP: "10.10.3.5", Internet: true},
		Host{Name: "app01", OS: "linux", Role: "server", IP: "10.10.3.21"},
		Host{Name: "db01", OS: "linux", Role: "server", IP: "10.10.3.31"},
	)
	env.AWS = AWS{
		Account:   "210987654321",
		Region:    "eu-west-1",
		Trail:     "corp-org-trail",
		CIAddress: "52.18.77.140",
		Users: []IAMUser{
			{Name: "bruno.costa", Owner: "bruno.costa"},
			{Name: "david.kim", Owner: "david.kim"},
			{Name: "grace.ng", Owner: "grace.ng"},
			{Name: "jonas.berg", Owner: "jonas.berg"},
			{Name: "nils.larsen", Owner: "nils.larsen"},
			{Name: "quinn.baker", Owner: "quinn.baker"},
			{Name: "ci-deployer"},
			{Name: "ops-admin", Owner: "erin.walsh", Admin: true},
		},
		Roles: []Role{
			{Name: "deploy", Kind: "ci"},
			{Name: "AdministratorSSO", Kind: "sso"},
			{Name: "DeveloperSSO", Kind: "sso"},
			{Name: "backup-instance", Kind: "backup", Instance: "i-0b4c2e91d7a35f608"},
			{Name: "app-instance", Kind: "instance", Instance: "i-07e1f3a9c54d28b16"},
		},
		Buckets: []Bucket{
			{Name: "corp-finance-reports", Prefixes: []string{"payroll/", "reports/2026/", "contracts/"}},
			{Name: "corp-app-artifacts", Prefixes: []string{"builds/", "releases/"}},
			{Name: "corp-backups", Prefixes: []string{"db01/", "app01/"}},
			{Name: "corp-dev-scratch", Prefixes: []string{"tmp/", "datasets/"}},
		},
		Instances: []Instance{
			{ID: "i-07e1f3a9c54d28b16", Name: "app-1", PrivateIP: "172.31.18.21", ENI: "eni-0a93c1e5f27d4b806", Connects: []string{"orders-db"}},
			{ID: "i-0b4c2e91d7a35f608", Name: "backup-1", PrivateIP: "172.31.18.40", ENI: "eni-05d7e2a1c8f39b4e7"},
			{ID: "i-0d61a8f3b2c94e075", Name: "orders-db", PrivateIP: "172.31.34.12", ENI: "eni-0f1b6c93d4a8e2705", Ports: []int{5432}},
		},
	}
	env.Okta = Okta{
		Org: "corp-example.okta.com",
		Apps: []OktaApp{
			{ID: "0oa1awsfed0001", Name: "AWS Account Federation"},
			{ID: "0oa1slack00002", Name: "Slack"},
			{ID: "0oa1github0003", Name: "GitHub Enterprise Cloud"},
			{ID: "0oa1workday004", Name: "Workday"},
		},
		VPN: &VPN{ID: "0oa1gpvpn00005", Name: "GlobalProtect VPN", Pool: "10.10.250.0/24"},
	}
	env.Entra = Entra{TenantID: "3f6b2c1e-8d4a-4f7b-9c2e-5a1d0e7b8c93", Domain: "corp.example.com"}
	return env
}
