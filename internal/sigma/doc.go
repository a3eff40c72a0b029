// Package sigma is Causeway's Sigma engine: it parses and validates Sigma
// rules (specification v2.1.0), compiles each rule's detection into a tree of
// matchers over event fields, and matches normalized events against a whole
// ruleset fast enough to run every SigmaHQ rule on a live stream.
//
// # API
//
//	rs, errs := sigma.Load(sigma.Config{}, os.DirFS(root), "rules", "rules-emerging-threats")
//	for _, e := range errs { log.Print(e) } // file:line: reason; the other rules still load
//	m := rs.NewMatcher()                      // one per goroutine, reused across events
//	m.Match(ev, func(r *sigma.Rule) { ... })  // called once per matching rule, in load order
//
// A Ruleset is immutable after Load and safe for concurrent use; a Matcher
// holds per-event scratch space and is not (Ruleset.Match borrows one from a
// pool for callers that do not keep their own). NewBuilder, Builder.Add and
// Builder.Build load rules from elsewhere than a file system.
//
// Rule files may hold several YAML documents: detection rules, correlation
// rules and global filters (specification v2.1.0). Filters are compiled
// into the rules they name (rule and not filter). Correlations are kept
// apart: a Correlator, fed with the matches of their rules in event-time
// order, reports CorrelationHits with their evidence:
//
//	c := rs.NewCorrelator()
//	m.Match(ev, func(r *sigma.Rule) { c.Observe(ev, r, onHit) })
//	c.Advance(now, onHit) // decides windows with upper-bound conditions
//
// Rule.CorrelationOnly marks rules referenced by a correlation without
// generate: true; they still match, and callers decide whether to alert.
//
// # How matching works
//
// A rule's logsource (product, category, service) is resolved through a
// mapping kept as data (logsources.yaml, embedded; Config.Logsources adds
// or replaces entries) into one or more targets: event conditions such as
// Channel and EventID for Windows, or the reader's format ("cloudtrail",
// "okta") for other sources, each with optional field renames (Security 4688
// calls Image NewProcessName). Every (rule, target) pair is compiled into a
// unit, and units are indexed by channel and EventID into buckets. For each
// unit the compiler also derives necessary conditions: up to two sets of
// (field, literal) pairs, each of which must have a pair occurring in the
// event if the rule can match (the image and the command line of a process
// rule, say). Each bucket has one Aho-Corasick automaton per field over the
// literals of its units plus the keyword literals, and one over the keyword
// literals alone for the other fields, so that every value of an event is
// scanned once (the keyword-only values as one NUL-joined text), and the
// event is only evaluated against the units it can possibly satisfy. Scans
// interleave independent table walks (parts of a long value, several short
// values) so that their memory lookups overlap. Field values are lowered
// at most once per event into reused buffers; the hot path does not
// allocate.
//
// Strings match case-insensitively unless the cased modifier is given;
// regular expressions are case-sensitive unless the i flag is set (RE2
// syntax: PCRE lookaround is reported as a load error). Placeholders of the
// expand modifier are filled from Config.Placeholders; a placeholder without
// values matches nothing, and the rule lists it in Rule.Unresolved.
package sigma
