package deploy

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// Recorder is the dry run: a Cloud that makes no call, records each one as a Call and prints it to
// Out as it happens. Its answers are the ones a first deploy gets (no credentials are needed, no
// bucket or object exists yet, the stack changes) and placeholders for what only AWS knows.
type Recorder struct {
	// Region goes into the placeholder endpoints the stack's outputs name.
	Region string
	// Out receives one line per call (String of the Call); nil prints nothing.
	Out io.Writer

	mu    sync.Mutex
	calls []Call
}

// Placeholders the recorder answers with.
const (
	PlaceholderAccount      = "ACCOUNT_ID"
	PlaceholderBucket       = "SITE_BUCKET"
	PlaceholderDomain       = "DISTRIBUTION_DOMAIN"
	PlaceholderDistribution = "DISTRIBUTION_ID"
	PlaceholderInvalidation = "INVALIDATION_ID"
)

// Cloud returns the recorder as every service.
func (r *Recorder) Cloud() Cloud { return Cloud{Identity: r, Storage: r, Stacks: r, CDN: r} }

// Calls returns the calls recorded so far, in order.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

func (r *Recorder) record(service, op string, in any) {
	c := Call{Service: service, Op: op, In: in}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	if r.Out != nil {
		fmt.Fprintln(r.Out, c)
	}
}

func (r *Recorder) Account(context.Context) (string, error) {
	r.record("sts", "GetCallerIdentity", nil)
	return PlaceholderAccount, nil
}

func (r *Recorder) HeadBucket(_ context.Context, bucket string) (BucketState, error) {
	r.record("s3", "HeadBucket", bucket)
	return BucketMissing, nil
}

func (r *Recorder) CreateBucket(_ context.Context, in CreateBucket) error {
	r.record("s3", "CreateBucket", in)
	return nil
}

func (r *Recorder) HeadObject(_ context.Context, in ObjectRef) (bool, error) {
	r.record("s3", "HeadObject", in)
	return false, nil
}

func (r *Recorder) PutObject(_ context.Context, in Object) error {
	in.Body = nil // the plan names the file; its bytes would only bloat it
	r.record("s3", "PutObject", in)
	return nil
}

func (r *Recorder) GetObject(_ context.Context, in ObjectRef) ([]byte, error) {
	r.record("s3", "GetObject", in)
	return nil, fmt.Errorf("s3://%s/%s: %w", in.Bucket, in.Key, ErrNotFound)
}

func (r *Recorder) ListObjects(_ context.Context, in Prefix) ([]Listed, error) {
	r.record("s3", "ListObjectsV2", in)
	return nil, nil
}

func (r *Recorder) DeleteObjects(_ context.Context, in Prefix) (int, error) {
	r.record("s3", "DeleteObjects", in)
	return 0, nil
}

func (r *Recorder) DeleteBucket(_ context.Context, bucket string) error {
	r.record("s3", "DeleteBucket", bucket)
	return nil
}

func (r *Recorder) Deploy(_ context.Context, in StackDeploy) (bool, error) {
	r.record("cloudformation", "Deploy", in)
	return true, nil
}

func (r *Recorder) Outputs(_ context.Context, stack string) (map[string]string, error) {
	r.record("cloudformation", "DescribeStacks", stack)
	return map[string]string{
		"SiteURL":        "https://" + PlaceholderDomain,
		"ApiURL":         "https://API_ID.execute-api." + r.Region + ".amazonaws.com",
		"BucketName":     PlaceholderBucket,
		"UploadEndpoint": "https://" + PlaceholderBucket + ".s3." + r.Region + ".amazonaws.com",
		"DistributionId": PlaceholderDistribution,
	}, nil
}

func (r *Recorder) Delete(_ context.Context, stack string) error {
	r.record("cloudformation", "DeleteStack", stack)
	return nil
}

func (r *Recorder) Invalidate(_ context.Context, in Invalidation) (string, error) {
	r.record("cloudfront", "CreateInvalidation", in)
	return PlaceholderInvalidation, nil
}
