package localstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/memeforge/memeforge/signer"
)

// EventsPath is where the site server takes Versity Gateway's S3 event notifications
// (--event-webhook-url): the same JSON S3 sends a Lambda, run through the same check.
const EventsPath = "/_events/s3"

// gatewayArgs is the gateway's command line: flags, then the posix backend.
func gatewayArgs(opts GatewayOptions, addr string) []string {
	args := []string{"--port", addr, "--region", opts.Region, "--quiet"}
	if opts.EventWebhookURL != "" {
		args = append(args, "--event-webhook-url", opts.EventWebhookURL)
	}
	return append(args, "posix", opts.DataDir)
}

// eventSink runs the upload check for the gateway's events, one at a time: Versity Gateway
// names no key for a browser's POST upload, so such an event sweeps the holding prefix,
// and two sweeps at once would check the same objects twice.
type eventSink struct {
	mu    sync.Mutex
	check *signer.Checker
	log   io.Writer
	// checked is called after each event has been handled (tests and the benchmark wait on it).
	checked func()
}

func (e *eventSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	ev, err := decodeEvent(body)
	if err != nil {
		fmt.Fprintf(e.log, "check: event: %v\n", err)
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	if len(ev.Records) == 0 {
		w.WriteHeader(http.StatusNoContent) // the gateway's start-up test event, or noise
		return
	}
	// The gateway gives up waiting after 3 s; the check goes on regardless.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	if err := e.run(ctx, ev); err != nil {
		fmt.Fprintf(e.log, "check: %v\n", err)
		http.Error(w, "check failed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeEvent reads the gateway's event JSON as aws-lambda-go's S3Event. The gateway fills
// glacierEventData's expiry time with "" where S3 leaves the object out, and "" is not a
// time, so that member (unused by the check) is dropped first. The start-up test event has
// no Records and decodes to none.
func decodeEvent(body []byte) (events.S3Event, error) {
	var raw struct {
		Records []map[string]json.RawMessage `json:"Records"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return events.S3Event{}, err
	}
	for _, r := range raw.Records {
		delete(r, "glacierEventData")
	}
	clean, err := json.Marshal(raw)
	if err != nil {
		return events.S3Event{}, err
	}
	var ev events.S3Event
	err = json.Unmarshal(clean, &ev)
	return ev, err
}

func (e *eventSink) run(ctx context.Context, ev events.S3Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.check.HandleS3Event(ctx, ev)
	if e.checked != nil {
		e.checked()
	}
	return err
}

// sweep checks whatever is in the holding prefix (uploads whose events were missed while
// the stack was down).
func (e *eventSink) sweep(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.check.Sweep(ctx)
}
