//go:build unix && !linux

package localstack

import "syscall"

// setParentDeathSignal: only Linux has a parent-death signal; elsewhere Stop must run.
func setParentDeathSignal(*syscall.SysProcAttr) {}
