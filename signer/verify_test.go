package signer

// A SigV4 POST verifier written from the published algorithm, sharing no code with the SDK:
// signing key = HMAC chain over "AWS4"+secret, date, region, service, "aws4_request";
// signature = hex(HMAC(signing key, base64 policy)). It is proven on AWS's own example first,
// then used to check what the signer hands out.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func postSignature(secret, date, region, service, policyB64 string) string {
	return hex.EncodeToString(hmacSHA256(signingKey(secret, date, region, service), policyB64))
}

// postPolicy is a decoded POST policy document.
type postPolicy struct {
	Expiration string            `json:"expiration"`
	Conditions []json.RawMessage `json:"conditions"`
}

func decodePolicy(b64 string) (postPolicy, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return postPolicy{}, fmt.Errorf("policy base64: %w", err)
	}
	var p postPolicy
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return postPolicy{}, fmt.Errorf("policy JSON: %w", err)
	}
	return p, nil
}

// formScope is what the credential field says about the signature.
type formScope struct {
	AccessKey, Date, Region, Service string
	SignedAt                         time.Time
}

// verifyPOSTForm checks a signed form the way S3 does before evaluating the policy: the
// algorithm, the credential scope, the date, and the signature over the base64 policy.
func verifyPOSTForm(fields map[string]string, secret string) (formScope, error) {
	if got := fields["X-Amz-Algorithm"]; got != "AWS4-HMAC-SHA256" {
		return formScope{}, fmt.Errorf("X-Amz-Algorithm = %q", got)
	}
	parts := strings.Split(fields["X-Amz-Credential"], "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" {
		return formScope{}, fmt.Errorf("X-Amz-Credential %q is not key/date/region/service/aws4_request", fields["X-Amz-Credential"])
	}
	sc := formScope{AccessKey: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}
	t, err := time.Parse("20060102T150405Z", fields["X-Amz-Date"])
	if err != nil {
		return formScope{}, fmt.Errorf("X-Amz-Date: %w", err)
	}
	if t.Format("20060102") != sc.Date {
		return formScope{}, fmt.Errorf("X-Amz-Date %s is not on the credential's date %s", fields["X-Amz-Date"], sc.Date)
	}
	sc.SignedAt = t
	want := postSignature(secret, sc.Date, sc.Region, sc.Service, fields["policy"])
	if !hmac.Equal([]byte(want), []byte(fields["X-Amz-Signature"])) {
		return formScope{}, fmt.Errorf("signature %s, recomputed %s", fields["X-Amz-Signature"], want)
	}
	return sc, nil
}

type awsExample struct {
	Source, AccessKeyID, SecretAccessKey, Date, Region, Service, Policy, Signature string
}

func loadAWSExample(t *testing.T) awsExample {
	t.Helper()
	b, err := os.ReadFile("testdata/aws-sigv4-post-example.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex awsExample
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

func TestVerifierOnAWSPublishedExample(t *testing.T) {
	ex := loadAWSExample(t)
	t.Run("ReproducesPublishedSignature", func(t *testing.T) {
		if got := postSignature(ex.SecretAccessKey, ex.Date, ex.Region, ex.Service, ex.Policy); got != ex.Signature {
			t.Fatalf("signature %s, AWS published %s", got, ex.Signature)
		}
	})
	fields := map[string]string{
		"X-Amz-Algorithm":  "AWS4-HMAC-SHA256",
		"X-Amz-Credential": ex.AccessKeyID + "/" + ex.Date + "/" + ex.Region + "/" + ex.Service + "/aws4_request",
		"X-Amz-Date":       ex.Date + "T000000Z",
		"policy":           ex.Policy,
		"X-Amz-Signature":  ex.Signature,
	}
	t.Run("AcceptsPublishedForm", func(t *testing.T) {
		sc, err := verifyPOSTForm(fields, ex.SecretAccessKey)
		if err != nil {
			t.Fatal(err)
		}
		if sc.AccessKey != ex.AccessKeyID || sc.Region != "us-east-1" || sc.Service != "s3" {
			t.Fatalf("scope %+v", sc)
		}
	})
	t.Run("DecodesPublishedPolicy", func(t *testing.T) {
		p, err := decodePolicy(ex.Policy)
		if err != nil {
			t.Fatal(err)
		}
		if p.Expiration != "2015-12-30T12:00:00.000Z" || len(p.Conditions) != 11 {
			t.Fatalf("policy %s with %d conditions", p.Expiration, len(p.Conditions))
		}
		if got := string(p.Conditions[0]); got != `{"bucket": "sigv4examplebucket"}` {
			t.Fatalf("first condition %s", got)
		}
	})
	// The verifier must be able to say no, or proving it on the example means nothing.
	mutations := []struct {
		name   string
		field  string
		value  string
		secret string
	}{
		{"RejectsOtherSecret", "", "", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ"},
		{"RejectsEditedPolicy", "policy", strings.Replace(ex.Policy, "eyAi", "eyBi", 1), ""},
		{"RejectsOtherDate", "X-Amz-Credential", ex.AccessKeyID + "/20151230/us-east-1/s3/aws4_request", ""},
		{"RejectsOtherRegion", "X-Amz-Credential", ex.AccessKeyID + "/20151229/us-west-2/s3/aws4_request", ""},
		{"RejectsDateOffScope", "X-Amz-Date", "20151230T000000Z", ""},
		{"RejectsOtherAlgorithm", "X-Amz-Algorithm", "AWS4-HMAC-SHA1", ""},
		{"RejectsFlippedSignature", "X-Amz-Signature", "9" + ex.Signature[1:], ""},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			f := map[string]string{}
			for k, v := range fields {
				f[k] = v
			}
			if m.field != "" {
				f[m.field] = m.value
			}
			secret := ex.SecretAccessKey
			if m.secret != "" {
				secret = m.secret
			}
			if _, err := verifyPOSTForm(f, secret); err == nil {
				t.Fatal("verifier accepted a changed form")
			}
		})
	}
}
