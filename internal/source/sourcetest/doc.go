// Package sourcetest holds the test support shared by the readers under
// internal/source: finding the shared corpora, a Sink that keeps what a
// decoder produces, running a Format or RecordFormats over bytes, CPU time
// and rate metrics for benchmarks, and golden-file comparison with one
// -update flag. Like net/http/httptest it is imported by tests only.
package sourcetest
