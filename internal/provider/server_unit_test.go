package provider

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type requestPayloadKey struct{}

// The provider's server must not keep a request's context once the request has returned: the
// framework's server alone keeps every one of them until StopProvider (releasingServer), and the
// provider's memory then grows with every resource terraform plans.
func TestServerForgetsRequestContexts(t *testing.T) {
	const requests = 40
	server := NewServer("test")()
	var collected atomic.Int32
	for range requests {
		// Stands for what a request's context holds (loggers, the gRPC stream); the test watches
		// whether the garbage collector can free it.
		payload := new([64 << 10]byte)
		runtime.AddCleanup(payload, func(n *atomic.Int32) { n.Add(1) }, &collected)
		ctx := context.WithValue(context.Background(), requestPayloadKey{}, payload)
		if _, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "appcat_postgresql"}); err != nil {
			t.Fatal(err)
		}
		if _, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "appcat_postgresql"}); err != nil {
			t.Fatal(err)
		}
	}
	// Cleanups run on a goroutine of their own after a collection: give them a moment.
	for deadline := time.Now().Add(10 * time.Second); collected.Load() < requests && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if got := collected.Load(); got < requests {
		t.Fatalf("the contexts of %d of %d finished requests are still reachable", requests-got, requests)
	}
	runtime.KeepAlive(server) // as in the provider process, which serves until terraform is done
}

// Until it is released, a releasableContext is the context it stands for: values, and
// cancellation, also of contexts derived from it.
func TestReleasableContextStandsForItsContextUntilReleased(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), requestPayloadKey{}, "request"))
	rc := newReleasableContext(parent)
	derived, cancelDerived := context.WithCancel(rc)
	defer cancelDerived()

	if got := derived.Value(requestPayloadKey{}); got != "request" {
		t.Fatalf("value before release = %v, want the request's", got)
	}
	cancel()
	select {
	case <-derived.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("canceling the request's context did not cancel a context derived from the releasable one")
	}

	rc.release()
	if got := rc.Value(requestPayloadKey{}); got != nil {
		t.Fatalf("value after release = %v, want none", got)
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Fatalf("Err after release = %v, want context.Canceled", rc.Err())
	}
}
