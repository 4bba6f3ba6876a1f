package main

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// dependencies returns, for each resource, the resources it refers to (Ref, Fn::GetAtt, Fn::Sub
// variables, DependsOn): the order CloudFormation must create them in.
func dependencies(raw map[string]any) map[string][]string {
	resources, _ := raw["Resources"].(map[string]any)
	deps := map[string][]string{}
	for name, r := range resources {
		set := map[string]bool{}
		walkRefs(r, nil, func(target string) {
			if _, ok := resources[target]; ok && target != name {
				set[target] = true
			}
		})
		if rm, ok := r.(map[string]any); ok {
			for _, d := range strs(rm["DependsOn"]) {
				set[d] = true
			}
		}
		for d := range set {
			deps[name] = append(deps[name], d)
		}
		sort.Strings(deps[name])
	}
	return deps
}

var subRef = regexp.MustCompile(`\$\{([A-Za-z0-9_:]+)(\.[A-Za-z0-9_.]+)?\}`)

// walkRefs calls found for every logical name an intrinsic in v refers to; local holds the names
// of an enclosing Fn::Sub's own variables, which are not references.
func walkRefs(v any, local map[string]any, found func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			switch k {
			case "Ref":
				if s, ok := val.(string); ok {
					found(s)
				}
				continue
			case "Fn::GetAtt":
				switch a := val.(type) {
				case string:
					found(strings.SplitN(a, ".", 2)[0])
				case []any:
					if s, ok := a[0].(string); ok {
						found(s)
					}
				}
				continue
			case "Fn::Sub":
				var src string
				vars := map[string]any{}
				switch a := val.(type) {
				case string:
					src = a
				case []any:
					src, _ = a[0].(string)
					if len(a) > 1 {
						vars, _ = a[1].(map[string]any)
						walkRefs(a[1], nil, found)
					}
				}
				for _, m := range subRef.FindAllStringSubmatch(src, -1) {
					if _, isVar := vars[m[1]]; !isVar {
						found(m[1])
					}
				}
				continue
			}
			walkRefs(val, local, found)
		}
	case []any:
		for _, e := range v {
			walkRefs(e, local, found)
		}
	}
}

// cycle returns one dependency cycle, or nil.
func cycle(deps map[string][]string) []string {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var found []string
	var visit func(string) bool
	visit = func(n string) bool {
		state[n] = active
		stack = append(stack, n)
		for _, d := range deps[n] {
			switch state[d] {
			case active:
				i := slices.Index(stack, d)
				found = append(slices.Clone(stack[i:]), d)
				return true
			case unseen:
				if visit(d) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		return false
	}
	names := make([]string, 0, len(deps))
	for n := range deps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if state[n] == unseen && visit(n) {
			return found
		}
	}
	return nil
}

// TestTemplateHasNoCycle proves CloudFormation can order the resources: the CloudFront domain is
// used by the bucket's CORS rule and the signer's environment without a circular dependency.
func TestTemplateHasNoCycle(t *testing.T) {
	raw := rawTemplate(t)
	deps := dependencies(raw)

	t.Run("Acyclic", func(t *testing.T) {
		if c := cycle(deps); c != nil {
			t.Fatalf("dependency cycle: %s", strings.Join(c, " -> "))
		}
	})
	t.Run("DomainUsersComeAfterTheDistribution", func(t *testing.T) {
		for _, r := range []string{"Bucket", "SignerFunction", "BucketPolicy"} {
			if !slices.Contains(deps[r], "Distribution") {
				t.Errorf("%s does not refer to the Distribution (deps %q)", r, deps[r])
			}
		}
		if slices.Contains(deps["Distribution"], "Bucket") {
			t.Error("the Distribution refers to the Bucket resource: that closes a cycle through CORS")
		}
	})
	t.Run("DetectsACycleWhenOneIsIntroduced", func(t *testing.T) {
		// The check must be able to fail: make the distribution name its origin from the bucket.
		d := clone(deps)
		d["Distribution"] = append(d["Distribution"], "Bucket")
		if cycle(d) == nil {
			t.Fatal("cycle Distribution -> Bucket -> Distribution not found")
		}
	})
}

func clone(m map[string][]string) map[string][]string {
	c := make(map[string][]string, len(m))
	for k, v := range m {
		c[k] = slices.Clone(v)
	}
	return c
}
