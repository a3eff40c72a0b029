package eval

// Summary is the average of the metrics over scenarios, with each
// scenario's result. An undefined metric (nil) is averaged over the
// scenarios that define it, and is nil when none does.
type Summary struct {
	Metrics
	Scenarios []Result `json:"scenarios"`
}

// Summarize averages the results' metrics over scenarios. (A function
// cannot share the name of the Summary type it returns.)
func Summarize(results []Result) Summary {
	s := Summary{Scenarios: append([]Result{}, results...)}
	n := float64(len(results))
	if n == 0 {
		return s
	}
	var sum Metrics
	var tp, tr, fc, dr mean
	for _, r := range results {
		m := r.Metrics
		sum.RootCauseHitAt1 += m.RootCauseHitAt1
		sum.RootCauseHitAt3 += m.RootCauseHitAt3
		sum.EntityPrecision += m.EntityPrecision
		sum.EntityRecall += m.EntityRecall
		sum.EntityF1 += m.EntityF1
		sum.StoryGrounded += m.StoryGrounded
		sum.Compression += m.Compression
		tp.add(m.TechniquePrecision)
		tr.add(m.TechniqueRecall)
		fc.add(m.FirstCompromisedHit)
		dr.add(m.DataAccessedRecall)
	}
	s.RootCauseHitAt1 = sum.RootCauseHitAt1 / n
	s.RootCauseHitAt3 = sum.RootCauseHitAt3 / n
	s.EntityPrecision = sum.EntityPrecision / n
	s.EntityRecall = sum.EntityRecall / n
	s.EntityF1 = sum.EntityF1 / n
	s.StoryGrounded = sum.StoryGrounded / n
	s.Compression = sum.Compression / n
	s.TechniquePrecision = tp.value()
	s.TechniqueRecall = tr.value()
	s.FirstCompromisedHit = fc.value()
	s.DataAccessedRecall = dr.value()
	return s
}

// mean averages the defined values of a metric.
type mean struct {
	sum float64
	n   int
}

func (m *mean) add(p *float64) {
	if p != nil {
		m.sum += *p
		m.n++
	}
}

// value is the mean, nil when no value was defined.
func (m *mean) value() *float64 {
	if m.n == 0 {
		return nil
	}
	v := m.sum / float64(m.n)
	return &v
}
