//go:build !unix

package cloudtrail

func cpuSeconds() float64 { return 0 }
