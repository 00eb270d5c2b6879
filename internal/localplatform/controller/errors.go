package controller

import (
	"errors"
	"fmt"
	"time"
)

// userError is a failure the claim's owner can see and fix (a name clash, a bad annotation, an
// injected fault). It is reported in the claim's Synced and Ready conditions instead of being
// returned to controller-runtime, whose error backoff and logs are meant for platform faults.
type userError struct {
	msg string
	// retry > 0 re-queues the claim after that long, for causes no watch reports (a foreign
	// secret in the way). Zero: wait for a watched change (claim, platform config).
	retry time.Duration
}

func (e userError) Error() string { return e.msg }

// conflictRetry is how soon a claim blocked by a foreign object is looked at again.
const conflictRetry = 3 * time.Second

// errRetry asks for a quick re-queue: the state changed under us (a conflict on write, or an
// object created concurrently), and the next reconcile starts from fresh reads.
var errRetry = errors.New("retry")

// retrySoon is errRetry with what changed under us, for the controller log.
func retrySoon(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errRetry}, args...)...)
}

// retryAfterConflict is the re-queue delay for errRetry and API conflicts.
const retryAfterConflict = 50 * time.Millisecond

func asUserError(err error) (userError, bool) {
	var ue userError
	ok := errors.As(err, &ue)
	return ue, ok
}
