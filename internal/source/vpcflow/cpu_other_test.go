//go:build !unix

package vpcflow

func cpuSeconds() float64 { return 0 }
