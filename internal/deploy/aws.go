package deploy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// NewAWS returns the Cloud of an AWS configuration (config.LoadDefaultConfig's).
func NewAWS(cfg aws.Config) Cloud {
	cfn := &CloudFormation{API: cloudformation.NewFromConfig(cfg)}
	return Cloud{
		Identity: &STS{API: sts.NewFromConfig(cfg)},
		Storage:  &S3{API: s3.NewFromConfig(cfg)},
		Stacks:   cfn,
		CDN:      &CloudFront{API: cloudfront.NewFromConfig(cfg)},
	}
}

// STS is Identity on the STS API.
type STS struct {
	API interface {
		GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	}
}

func (a *STS) Account(ctx context.Context) (string, error) {
	out, err := a.API.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Account), nil
}

// S3 is Storage on an S3 client (AWS's, or any S3 server's: the tests use Versity Gateway).
type S3 struct{ API *s3.Client }

// httpStatus is the HTTP status of a failed call, 0 if it got no answer.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func (a *S3) HeadBucket(ctx context.Context, bucket string) (BucketState, error) {
	_, err := a.API.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
	switch status := httpStatus(err); {
	case err == nil:
		return BucketExists, nil
	case status == http.StatusNotFound:
		return BucketMissing, nil
	case status == http.StatusForbidden:
		return BucketForbidden, nil
	}
	return 0, err
}

func (a *S3) CreateBucket(ctx context.Context, in CreateBucket) error {
	create := &s3.CreateBucketInput{Bucket: &in.Bucket}
	if in.Region != "us-east-1" { // us-east-1 is the default and refuses to be named
		create.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(in.Region)}
	}
	if _, err := a.API.CreateBucket(ctx, create); err != nil {
		return err
	}
	_, err := a.API.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: &in.Bucket,
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		},
	})
	return err
}

func (a *S3) HeadObject(ctx context.Context, in ObjectRef) (bool, error) {
	_, err := a.API.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &in.Bucket, Key: &in.Key})
	if httpStatus(err) == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

func (a *S3) PutObject(ctx context.Context, in Object) error {
	put := &s3.PutObjectInput{
		Bucket: &in.Bucket, Key: &in.Key, Body: bytes.NewReader(in.Body),
		ContentLength: aws.Int64(int64(len(in.Body))),
	}
	if in.MD5 != "" { // S3 refuses bytes that arrive different
		sum, err := hex.DecodeString(in.MD5)
		if err != nil {
			return fmt.Errorf("object %s: MD5 %q: %w", in.Key, in.MD5, err)
		}
		put.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(sum))
	}
	for _, h := range []struct {
		v  string
		to **string
	}{{in.ContentType, &put.ContentType}, {in.CacheControl, &put.CacheControl}, {in.ContentEncoding, &put.ContentEncoding}} {
		if h.v != "" {
			*h.to = aws.String(h.v)
		}
	}
	_, err := a.API.PutObject(ctx, put)
	return err
}

func (a *S3) GetObject(ctx context.Context, in ObjectRef) ([]byte, error) {
	out, err := a.API.GetObject(ctx, &s3.GetObjectInput{Bucket: &in.Bucket, Key: &in.Key})
	if err != nil {
		var nsk *s3types.NoSuchKey
		if errors.As(err, &nsk) || httpStatus(err) == http.StatusNotFound {
			return nil, fmt.Errorf("s3://%s/%s: %w", in.Bucket, in.Key, ErrNotFound)
		}
		return nil, err
	}
	defer out.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(out.Body)
	return b.Bytes(), err
}

func (a *S3) ListObjects(ctx context.Context, in Prefix) ([]Listed, error) {
	var out []Listed
	p := s3.NewListObjectsV2Paginator(a.API, &s3.ListObjectsV2Input{Bucket: &in.Bucket, Prefix: &in.Prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			out = append(out, Listed{Key: aws.ToString(o.Key), ETag: aws.ToString(o.ETag)})
		}
	}
	return out, nil
}

func (a *S3) DeleteObjects(ctx context.Context, in Prefix) (int, error) {
	listed, err := a.ListObjects(ctx, in)
	if err != nil {
		return 0, err
	}
	n := 0
	for len(listed) > 0 {
		batch := listed[:min(1000, len(listed))] // DeleteObjects takes at most 1000 keys
		listed = listed[len(batch):]
		ids := make([]s3types.ObjectIdentifier, len(batch))
		for i, o := range batch {
			ids[i] = s3types.ObjectIdentifier{Key: aws.String(o.Key)}
		}
		out, err := a.API.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: &in.Bucket, Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return n, err
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return n, fmt.Errorf("%d objects not deleted, first %s: %s", len(out.Errors), aws.ToString(e.Key), aws.ToString(e.Message))
		}
		n += len(batch)
	}
	return n, nil
}

func (a *S3) DeleteBucket(ctx context.Context, bucket string) error {
	_, err := a.API.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
	return err
}

// CloudFront is CDN on the CloudFront API.
type CloudFront struct {
	API interface {
		CreateInvalidation(context.Context, *cloudfront.CreateInvalidationInput, ...func(*cloudfront.Options)) (*cloudfront.CreateInvalidationOutput, error)
	}
}

func (a *CloudFront) Invalidate(ctx context.Context, in Invalidation) (string, error) {
	out, err := a.API.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId: &in.Distribution,
		InvalidationBatch: &cftypes.InvalidationBatch{
			CallerReference: aws.String(fmt.Sprintf("memeforge-%d", time.Now().UnixNano())),
			Paths:           &cftypes.Paths{Quantity: aws.Int32(int32(len(in.Paths))), Items: in.Paths},
		},
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Invalidation.Id), nil
}

// CloudFormation is Stacks on the CloudFormation API: a deploy is a change set, created, then
// executed unless it is empty, waited for at each step (what `aws cloudformation deploy` does).
type CloudFormation struct {
	API CloudFormationAPI
	// StackWait bounds the wait for a stack to finish; zero is an hour (a first CloudFront
	// distribution takes 5-15 minutes, a deletion about as long).
	StackWait time.Duration
}

// CloudFormationAPI is the part of the CloudFormation client Stacks uses.
type CloudFormationAPI interface {
	cloudformation.DescribeStacksAPIClient
	cloudformation.DescribeChangeSetAPIClient
	CreateChangeSet(context.Context, *cloudformation.CreateChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.CreateChangeSetOutput, error)
	ExecuteChangeSet(context.Context, *cloudformation.ExecuteChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.ExecuteChangeSetOutput, error)
	DeleteChangeSet(context.Context, *cloudformation.DeleteChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error)
	DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
}

func (a *CloudFormation) wait() time.Duration {
	if a.StackWait > 0 {
		return a.StackWait
	}
	return time.Hour
}

// stack describes a stack; nil, nil when there is none.
func (a *CloudFormation) stack(ctx context.Context, name string) (*cfntypes.Stack, error) {
	out, err := a.API.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &name})
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "ValidationError" && strings.Contains(api.ErrorMessage(), "does not exist") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(out.Stacks) == 0 {
		return nil, nil
	}
	return &out.Stacks[0], nil
}

// maxTemplateBody is the largest template CloudFormation takes inline; a larger one needs an S3 URL.
const maxTemplateBody = 51200

func (a *CloudFormation) Deploy(ctx context.Context, in StackDeploy) (bool, error) {
	body, err := os.ReadFile(in.TemplateFile)
	if err != nil {
		return false, err
	}
	if len(body) > maxTemplateBody {
		return false, fmt.Errorf("%s is %d bytes; CloudFormation takes at most %d inline", in.TemplateFile, len(body), maxTemplateBody)
	}
	st, err := a.stack(ctx, in.Stack)
	if err != nil {
		return false, err
	}
	kind := cfntypes.ChangeSetTypeUpdate
	switch {
	case st == nil, st.StackStatus == cfntypes.StackStatusReviewInProgress: // none, or only a change set
		kind = cfntypes.ChangeSetTypeCreate
	case st.StackStatus == cfntypes.StackStatusRollbackComplete:
		return false, fmt.Errorf("stack %s is %s after a failed first deploy (%s): run make destroy, then deploy again",
			in.Stack, st.StackStatus, aws.ToString(st.StackStatusReason))
	case strings.HasSuffix(string(st.StackStatus), "_IN_PROGRESS"):
		return false, fmt.Errorf("stack %s is busy (%s): wait for it to finish, then deploy again", in.Stack, st.StackStatus)
	}
	create := &cloudformation.CreateChangeSetInput{
		StackName:     &in.Stack,
		ChangeSetName: aws.String(fmt.Sprintf("memeforge-%d", time.Now().Unix())),
		ChangeSetType: kind,
		TemplateBody:  aws.String(string(body)),
	}
	for _, c := range in.Capabilities {
		create.Capabilities = append(create.Capabilities, cfntypes.Capability(c))
	}
	for _, p := range in.Parameters {
		create.Parameters = append(create.Parameters, cfntypes.Parameter{ParameterKey: aws.String(p.Key), ParameterValue: aws.String(p.Value)})
	}
	for _, t := range in.Tags {
		create.Tags = append(create.Tags, cfntypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	cs, err := a.API.CreateChangeSet(ctx, create)
	if err != nil {
		return false, fmt.Errorf("creating a change set: %w", err)
	}
	describe := &cloudformation.DescribeChangeSetInput{ChangeSetName: cs.Id, StackName: &in.Stack}
	_, werr := cloudformation.NewChangeSetCreateCompleteWaiter(a.API).WaitForOutput(ctx, describe, 10*time.Minute)
	if werr != nil {
		d, err := a.API.DescribeChangeSet(ctx, describe)
		if err != nil {
			return false, fmt.Errorf("change set: %w (and describing it: %v)", werr, err)
		}
		reason := aws.ToString(d.StatusReason)
		if d.Status == cfntypes.ChangeSetStatusFailed && (strings.Contains(reason, "didn't contain changes") || strings.Contains(reason, "No updates are to be performed")) {
			// Nothing to do; the empty change set is only clutter.
			a.API.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: cs.Id, StackName: &in.Stack})
			return false, nil
		}
		return false, fmt.Errorf("change set %s: %s", d.Status, reason)
	}
	if _, err := a.API.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: cs.Id, StackName: &in.Stack}); err != nil {
		return false, fmt.Errorf("executing the change set: %w", err)
	}
	stacks := &cloudformation.DescribeStacksInput{StackName: &in.Stack}
	if kind == cfntypes.ChangeSetTypeCreate {
		err = cloudformation.NewStackCreateCompleteWaiter(a.API).Wait(ctx, stacks, a.wait())
	} else {
		err = cloudformation.NewStackUpdateCompleteWaiter(a.API).Wait(ctx, stacks, a.wait())
	}
	if err != nil {
		if st, derr := a.stack(ctx, in.Stack); derr == nil && st != nil {
			return false, fmt.Errorf("%s: %s (the stack's events in the CloudFormation console say which resource failed)", st.StackStatus, aws.ToString(st.StackStatusReason))
		}
		return false, err
	}
	return true, nil
}

func (a *CloudFormation) Outputs(ctx context.Context, name string) (map[string]string, error) {
	st, err := a.stack(ctx, name)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("%s: %w", name, ErrNoStack)
	}
	out := map[string]string{}
	for _, o := range st.Outputs {
		out[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return out, nil
}

func (a *CloudFormation) Delete(ctx context.Context, name string) error {
	if _, err := a.API.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: &name}); err != nil {
		return err
	}
	return cloudformation.NewStackDeleteCompleteWaiter(a.API).Wait(ctx, &cloudformation.DescribeStacksInput{StackName: &name}, a.wait())
}
