package simulate

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Campaign names.
const (
	CampaignPhishing = "phishing-lateral-movement"
	CampaignAWSKey   = "leaked-aws-key"
	CampaignSSOTheft = "sso-session-theft"
	CampaignInstance = "stolen-instance-credentials"
	CampaignRansom   = "ransomware"
	CampaignInsider  = "insider-copy"
)

// Campaigns lists the attack campaigns a run can play, in the order they
// are planned.
func Campaigns() []string {
	return []string{CampaignPhishing, CampaignAWSKey, CampaignSSOTheft, CampaignInstance, CampaignRansom, CampaignInsider}
}

// campaignRun is one campaign being played: its steps and the ground truth
// they build as they emit events.
type campaignRun struct {
	name        string
	description string
	source      string   // truth_source text
	inputs      []string // source directories, relative to the output
	rng         *rand.Rand
	steps       []step
	next        int
	path        string
	first, last time.Time

	rootCause  []string
	firstComp  string
	entities   []noted
	seen       map[string]bool
	techniques []noted
	data       []string
	benign     []string
}

// step is one stage of a campaign: it emits its events from t and says
// how long until the next stage.
type step func(s *sim, t time.Time) time.Duration

// noted is a truth entry with the comment the scenario file shows.
type noted struct{ id, note string }

func (c *campaignRun) step(s *sim, now time.Time) (time.Time, bool) {
	if c.first.IsZero() {
		c.first = now
	}
	wait := c.steps[c.next](s, now)
	c.last = now
	c.next++
	if c.next >= len(c.steps) {
		return time.Time{}, false
	}
	return now.Add(wait), true
}

// entity adds an attack entity to the truth, once.
func (c *campaignRun) entity(id, note string) string {
	if id == "" || c.seen[id] {
		return id
	}
	c.seen[id] = true
	c.entities = append(c.entities, noted{id, note})
	return id
}

// technique adds an ATT&CK technique.
func (c *campaignRun) technique(id, note string) {
	for _, t := range c.techniques {
		if t.id == id {
			return
		}
	}
	c.techniques = append(c.techniques, noted{id, note})
}

// campaignLength bounds how long a campaign takes from its first step.
const campaignLength = 3 * time.Hour

// scheduleCampaigns plans the configured campaigns.
func (s *sim) scheduleCampaigns() error {
	for _, name := range s.cfg.Campaigns {
		c := &campaignRun{name: name, rng: s.rng("campaign/" + name), seen: map[string]bool{}}
		var at time.Time
		var err error
		switch name {
		case CampaignPhishing:
			at, err = s.planPhishing(c)
		case CampaignAWSKey:
			at, err = s.planAWSKey(c)
		case CampaignSSOTheft:
			at, err = s.planSSOTheft(c)
		case CampaignInstance:
			at, err = s.planInstanceTheft(c)
		case CampaignRansom:
			at, err = s.planRansomware(c)
		case CampaignInsider:
			at, err = s.planInsider(c)
		}
		if err != nil {
			return fmt.Errorf("planning campaign %s: %w", name, err)
		}
		if at.Add(campaignLength).After(s.end) {
			return fmt.Errorf("planning campaign %s: it needs %s before the end of the run; lengthen the run or leave the campaign out", name, campaignLength)
		}
		s.campaigns = append(s.campaigns, c)
		s.schedule(c, at)
	}
	return nil
}

// workHoursSlot draws a time on a working day of the run, at least lead
// after the day starts and tail before it ends.
func (s *sim) workHoursSlot(rng *rand.Rand, lead, tail time.Duration) (time.Time, bool) {
	var days [][2]time.Time
	for t := s.start; ; {
		start, end, ok := s.workday(t)
		if !ok {
			break
		}
		if lo, hi := start.Add(lead), end.Add(-tail); !lo.Before(s.start) && hi.After(lo) && hi.Add(tail).Before(s.end) {
			days = append(days, [2]time.Time{lo, hi})
		}
		t = end
	}
	if len(days) == 0 {
		return time.Time{}, false
	}
	d := pick(rng, days)
	return d[0].Add(jitter(rng, 0, d[1].Sub(d[0]))).Truncate(time.Second), true
}
