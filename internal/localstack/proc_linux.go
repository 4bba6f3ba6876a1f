package localstack

import "syscall"

// setParentDeathSignal makes the kernel kill the child if this process dies without running
// Stop (a test binary killed by its timeout, kill -9 of make run): no orphaned gateways.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
