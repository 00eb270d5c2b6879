package appcat

import (
	"fmt"
	"strings"
)

// Readiness is what a claim's conditions say about its current generation.
type Readiness struct {
	// Ready: Synced and Ready are True for the current generation.
	Ready bool
	// Failing: the platform reports a reconcile error (Synced False) for the current generation.
	Failing bool
	// Reason and Message are the most telling condition's, for progress and errors.
	Reason  string
	Message string
}

// ReadinessOf evaluates a claim's status for the generation the caller wrote. Conditions that
// describe an older generation say nothing about the current spec: a claim that was Ready before
// an update is not ready for the update until the platform has observed it.
func ReadinessOf(generation int64, status Status) Readiness {
	synced, ready := status.Condition("Synced"), status.Condition("Ready")
	current := func(c *Condition) bool {
		// Crossplane omits observedGeneration on some conditions; then the condition is taken
		// to be current only if nothing else says otherwise.
		return c != nil && (c.ObservedGeneration == 0 || c.ObservedGeneration >= generation)
	}
	switch {
	case synced == nil && ready == nil:
		return Readiness{Reason: "Pending", Message: "the platform has not reported any condition yet"}
	case current(synced) && synced.Status == "False":
		return Readiness{Failing: true, Reason: synced.Reason, Message: synced.Message}
	case current(synced) && synced.Status == "True" && current(ready) && ready.Status == "True":
		return Readiness{Ready: true, Reason: ready.Reason, Message: ready.Message}
	case ready != nil && !current(ready):
		return Readiness{Reason: "Pending", Message: fmt.Sprintf("the platform has not observed generation %d yet (conditions describe generation %d)", generation, ready.ObservedGeneration)}
	case ready != nil:
		return Readiness{Reason: ready.Reason, Message: ready.Message}
	default:
		return Readiness{Reason: synced.Reason, Message: synced.Message}
	}
}

// String describes the readiness for progress logs and errors.
func (r Readiness) String() string {
	switch {
	case r.Message != "" && r.Reason != "":
		return r.Reason + ": " + r.Message
	case r.Reason != "":
		return r.Reason
	default:
		return r.Message
	}
}

// reasonVersionPending is the reason readinessFor gives while the platform reports an older
// version than the one the claim asks for.
const reasonVersionPending = "VersionPending"

// readinessFor is ReadinessOf, and with a wanted version (non-empty) also not ready while the
// kind's version status field reports another version: the upgrade is still running.
func readinessFor(k Kind, generation int64, version string, status Status) Readiness {
	r := ReadinessOf(generation, status)
	if reported := k.ReportedVersion(status); r.Ready && version != "" && k.VersionStatusFollowsUpgrade && !VersionReported(version, reported) {
		return Readiness{Reason: reasonVersionPending,
			Message: fmt.Sprintf("the platform reports version %s (status.%s), waiting for %s", reported, k.VersionStatus, version)}
	}
	return r
}

// VersionReported tells whether a reported version shows the version a claim asks for (want):
// the same, or a patch release or build of it ("16.4" for "16", "7.2.5" for "7.2",
// "11.4.2-MariaDB-log" for "11.4", "16-bookworm" for "16"). A platform that reports no version
// at all cannot be waited for: that counts as reported.
func VersionReported(want, reported string) bool {
	return reported == "" || reported == want || strings.HasPrefix(reported, want+".") || strings.HasPrefix(reported, want+"-")
}
