package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Cloud is every AWS service a deploy or a destroy talks to.
type Cloud struct {
	Identity Identity
	Storage  Storage
	Stacks   Stacks
	CDN      CDN
}

// Identity is STS: whose credentials these are.
type Identity interface {
	// Account returns the account id of the current credentials; an error means there are none usable.
	Account(ctx context.Context) (string, error)
}

// BucketState is what HeadBucket learned about a bucket.
type BucketState int

const (
	BucketExists    BucketState = iota // ours to use
	BucketMissing                      // nobody has it: it can be created
	BucketForbidden                    // it exists and belongs to another account
)

// Storage is the part of S3 a deploy uses.
type Storage interface {
	HeadBucket(ctx context.Context, bucket string) (BucketState, error)
	// CreateBucket creates a bucket in region and blocks all public access to it.
	CreateBucket(ctx context.Context, in CreateBucket) error
	// HeadObject reports whether the object exists.
	HeadObject(ctx context.Context, in ObjectRef) (bool, error)
	PutObject(ctx context.Context, in Object) error
	// GetObject returns an object's bytes, or an error wrapping ErrNotFound.
	GetObject(ctx context.Context, in ObjectRef) ([]byte, error)
	// ListObjects returns every object under a prefix with its ETag.
	ListObjects(ctx context.Context, in Prefix) ([]Listed, error)
	// DeleteObjects deletes every object under a prefix (all of the bucket with an empty prefix)
	// and returns how many it deleted.
	DeleteObjects(ctx context.Context, in Prefix) (int, error)
	DeleteBucket(ctx context.Context, bucket string) error
}

// Stacks is CloudFormation.
type Stacks interface {
	// Deploy creates or updates a stack through a change set and waits until it is done; it reports
	// false, and changes nothing, when the template and parameters are what the stack has already.
	Deploy(ctx context.Context, in StackDeploy) (changed bool, err error)
	// Outputs returns a stack's outputs, or an error wrapping ErrNoStack.
	Outputs(ctx context.Context, stack string) (map[string]string, error)
	// Delete deletes a stack and waits until it is gone.
	Delete(ctx context.Context, stack string) error
}

// CDN is CloudFront.
type CDN interface {
	// Invalidate clears paths from a distribution's caches and returns the invalidation's id.
	Invalidate(ctx context.Context, in Invalidation) (string, error)
}

var (
	// ErrNotFound is an object that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNoStack is a stack that does not exist.
	ErrNoStack = errors.New("stack does not exist")
)

// CreateBucket is a bucket to create, private, in a region.
type CreateBucket struct{ Bucket, Region string }

// ObjectRef names one object.
type ObjectRef struct{ Bucket, Key string }

// Prefix names the objects of a bucket under a prefix.
type Prefix struct{ Bucket, Prefix string }

// Listed is one object of a listing.
type Listed struct{ Key, ETag string }

// Object is an object to upload with the headers it is served with.
type Object struct {
	Bucket, Key string
	// File is where the bytes come from, as the user knows the path; Body holds them. The recorder
	// keeps File and MD5 and drops Body.
	File string
	Body []byte
	// MD5 is the hex MD5 of Body: S3's ETag of a single-part upload, checked by S3 on arrival.
	MD5                                        string
	ContentType, CacheControl, ContentEncoding string
}

// StackDeploy is a stack to create or update from a template file.
type StackDeploy struct {
	Stack        string
	TemplateFile string
	Parameters   []Parameter
	Capabilities []string
	Tags         []Parameter
}

// Parameter is a stack parameter or tag.
type Parameter struct{ Key, Value string }

// Invalidation is a set of URL paths to clear from a distribution.
type Invalidation struct {
	Distribution string
	Paths        []string
}

// Call is one recorded AWS call: the service, the operation and its input, one of the values above
// (nil for GetCallerIdentity; a string bucket name for HeadBucket and DeleteBucket; a stack name for
// DescribeStacks and DeleteStack).
type Call struct {
	Service, Op string
	In          any
}

// String is the call as the dry run prints it: service, operation, then name=value pairs.
func (c Call) String() string {
	var kv []string
	add := func(k, v string) {
		if v == "" {
			return
		}
		if strings.ContainsAny(v, " \t\"'\\") {
			v = strconv.Quote(v)
		}
		kv = append(kv, k+"="+v)
	}
	switch in := c.In.(type) {
	case string:
		switch c.Service {
		case "cloudformation":
			add("stack", in)
		default:
			add("bucket", in)
		}
	case CreateBucket:
		add("bucket", in.Bucket)
		add("region", in.Region)
		kv = append(kv, "block-public-access=all")
	case ObjectRef:
		add("bucket", in.Bucket)
		add("key", in.Key)
	case Prefix:
		add("bucket", in.Bucket)
		kv = append(kv, "prefix="+strconv.Quote(in.Prefix))
	case Object:
		add("bucket", in.Bucket)
		add("key", in.Key)
		add("file", in.File)
		add("content-type", in.ContentType)
		add("cache-control", in.CacheControl)
		add("content-encoding", in.ContentEncoding)
	case StackDeploy:
		add("stack", in.Stack)
		add("template", in.TemplateFile)
		add("capabilities", strings.Join(in.Capabilities, ","))
		for _, p := range in.Parameters {
			add("parameter", p.Key+"="+p.Value)
		}
		for _, p := range in.Tags {
			add("tag", p.Key+"="+p.Value)
		}
	case Invalidation:
		add("distribution", in.Distribution)
		kv = append(kv, "paths="+strings.Join(in.Paths, ","))
	case nil:
	default:
		kv = append(kv, fmt.Sprint(in))
	}
	return strings.Join(append([]string{c.Service, c.Op}, kv...), " ")
}

// Ops lists "service.Op" of each call, the shape of a plan at a glance.
func Ops(calls []Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.Service + "." + c.Op
	}
	return out
}

// Find returns the inputs of type T of the calls to service.op, in order.
func Find[T any](calls []Call, service, op string) []T {
	var out []T
	for _, c := range calls {
		if in, ok := c.In.(T); ok && c.Service == service && c.Op == op {
			out = append(out, in)
		}
	}
	return slices.Clip(out)
}
