package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/intrinsics"
)

// The pseudo parameters the template is evaluated with. The stack id's UUID is the bucket suffix.
const (
	testAccount = "111122223333"
	testRegion  = "eu-west-1"
	testStackID = "arn:aws:cloudformation:eu-west-1:111122223333:stack/memeforge/0a1b2c3d-4e5f-4789-abcd-ef0123456789"
)

func checkoutRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "template.yaml")); err != nil {
		t.Fatalf("repo root %s: %v", root, err)
	}
	return root
}

func templatePath(t *testing.T) string {
	return filepath.Join(checkoutRoot(t), "scripts", "template.yaml")
}

// loadTemplate parses the template with intrinsics evaluated symbolically: pseudo parameters become
// the test values above, parameters their defaults (or overrides), and references to resources stay
// readable as "${Name}" and "${Name.Attribute}", so assertions can say what a value refers to.
func loadTemplate(t *testing.T, overrides map[string]any) *cloudformation.Template {
	t.Helper()
	opts := &intrinsics.ProcessorOptions{
		ParameterOverrides: overrides,
		IntrinsicHandlerOverrides: map[string]intrinsics.IntrinsicHandler{
			"Ref":        symbolicRef,
			"Fn::GetAtt": symbolicGetAtt,
			"Fn::Sub":    symbolicSub,
			"Fn::Split":  split,
		},
	}
	tmpl, err := goformation.OpenWithOptions(templatePath(t), opts)
	if err != nil {
		t.Fatalf("goformation: %v", err)
	}
	return tmpl
}

func symbolicRef(_ string, input any, template any) any {
	name, ok := input.(string)
	if !ok {
		return nil
	}
	switch name {
	case "AWS::AccountId":
		return testAccount
	case "AWS::Region":
		return testRegion
	case "AWS::StackId":
		return testStackID
	case "AWS::StackName":
		return "memeforge"
	case "AWS::Partition":
		return "aws"
	case "AWS::URLSuffix":
		return "amazonaws.com"
	case "AWS::NoValue":
		return nil
	}
	if params, ok := section(template, "Parameters")[name].(map[string]any); ok {
		if def, ok := params["Default"]; ok {
			return def
		}
	}
	return "${" + name + "}"
}

func symbolicGetAtt(_ string, input any, _ any) any {
	switch v := input.(type) {
	case string:
		return "${" + v + "}"
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fmt.Sprint(p)
		}
		return "${" + strings.Join(parts, ".") + "}"
	}
	return nil
}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9_.:]+)\}`)

func symbolicSub(_ string, input any, template any) any {
	var src string
	vars := map[string]any{}
	switch v := input.(type) {
	case string:
		src = v
	case []any:
		if len(v) != 2 {
			return nil
		}
		src, _ = v[0].(string)
		vars, _ = v[1].(map[string]any)
	default:
		return nil
	}
	return subVar.ReplaceAllStringFunc(src, func(m string) string {
		name := m[2 : len(m)-1]
		var val any
		if v, ok := vars[name]; ok {
			val = v
		} else if strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::") {
			val = symbolicGetAtt("", name, template)
		} else {
			val = symbolicRef("", name, template)
		}
		switch v := val.(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case nil:
			return m
		default:
			return fmt.Sprint(v)
		}
	})
}

// split is Fn::Split returning []any, which goformation's own Fn::Select expects (its Fn::Split
// returns []string, so Select-of-Split resolves to nothing).
func split(_ string, input any, _ any) any {
	args, ok := input.([]any)
	if !ok || len(args) != 2 {
		return nil
	}
	sep, ok1 := args[0].(string)
	src, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return nil
	}
	var out []any
	for _, p := range strings.Split(src, sep) {
		out = append(out, p)
	}
	return out
}

func section(template any, name string) map[string]any {
	m, _ := template.(map[string]any)
	s, _ := m[name].(map[string]any)
	return s
}

// rawTemplate is the template as generic JSON values, intrinsics left as written (long form).
func rawTemplate(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(templatePath(t))
	if err != nil {
		t.Fatal(err)
	}
	js, err := intrinsics.ProcessYAML(data, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		t.Fatalf("template YAML: %v", err)
	}
	var m map[string]any
	if err := jsonUnmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
