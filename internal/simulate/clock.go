package simulate

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// rng returns the random stream of one named actor. Each actor draws from
// its own stream, derived from the seed and its name, so that adding an
// actor does not change what the others do.
func (s *sim) rng(name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(s.cfg.Seed, h.Sum64()))
}

// local is t on the office's wall clock (as a UTC time value).
func (s *sim) local(t time.Time) time.Time {
	return t.Add(time.Duration(s.env.UTCOffsetHours) * time.Hour)
}

// busy is how busy the office is at t, from 0 (night, weekend) to 1: a
// ramp in the first hour, a lunch dip and a slower last hour.
func (s *sim) busy(t time.Time) float64 {
	l := s.local(t)
	if wd := l.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return 0
	}
	h := float64(l.Hour()) + float64(l.Minute())/60
	start, end := float64(s.env.WorkHours[0]), float64(s.env.WorkHours[1])
	switch {
	case h < start || h >= end:
		return 0
	case h < start+1:
		return 0.4 + 0.6*(h-start)
	case h >= 12 && h < 13:
		return 0.6
	case h >= end-1:
		return 0.7
	}
	return 1
}

// arrival is the next time after now of a Poisson process whose rate per
// hour is busyRate when the office is busy plus quietRate at all times,
// scaled by the run's rate. It draws by thinning, so the rate may change
// within a step.
func (s *sim) arrival(rng *rand.Rand, now time.Time, busyRate, quietRate float64) time.Time {
	max := (busyRate + quietRate) * s.cfg.Rate
	if max <= 0 {
		return s.end
	}
	t := now
	for t.Before(s.end) {
		gap := rng.ExpFloat64() / max * float64(time.Hour)
		t = t.Add(time.Duration(math.Max(gap, float64(time.Millisecond))))
		rate := (busyRate*s.busy(t) + quietRate) * s.cfg.Rate
		if rng.Float64()*max < rate {
			return t
		}
	}
	return s.end
}

// workday returns the local working day that contains t or comes next, as
// UTC times, if it starts before the end of the run.
func (s *sim) workday(t time.Time) (start, end time.Time, ok bool) {
	off := time.Duration(s.env.UTCOffsetHours) * time.Hour
	l := s.local(t)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	for i := 0; i < 8; i++ {
		d := day.AddDate(0, 0, i)
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		start = d.Add(time.Duration(s.env.WorkHours[0])*time.Hour - off)
		end = d.Add(time.Duration(s.env.WorkHours[1])*time.Hour - off)
		if !t.Before(end) {
			continue
		}
		return start, end, start.Before(s.end)
	}
	return time.Time{}, time.Time{}, false
}

// jitter is a duration uniformly drawn from [lo, hi).
func jitter(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}

// pick returns a random element.
func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// localMidnight is the start of t's local day, as a UTC time.
func (s *sim) localMidnight(t time.Time) time.Time {
	l := s.local(t)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC).Add(-time.Duration(s.env.UTCOffsetHours) * time.Hour)
}

// nextDaily returns the first time at or after now that is at past local
// midnight: when a nightly job runs next.
func (s *sim) nextDaily(now time.Time, at time.Duration) time.Time {
	run := s.localMidnight(now).Add(at)
	if run.Before(now) {
		run = run.AddDate(0, 0, 1)
	}
	return run
}
