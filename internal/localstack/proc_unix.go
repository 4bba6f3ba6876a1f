//go:build unix

package localstack

import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

// newProcessGroup puts the child in its own process group so that Stop (and Ctrl-C handling
// in cmd/run) can signal it and everything it spawned, and nothing else.
func newProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr)
}

// signalGroup sends sig to the child's whole process group.
func signalGroup(p *os.Process, sig syscall.Signal) error {
	return syscall.Kill(-p.Pid, sig)
}

// stopGroup ends a child started with newProcessGroup: SIGTERM to its group, SIGKILL if it has
// not exited (exited is closed) within 5 s, then SIGKILL again to sweep anything it left in
// the group (the emulator's function, for one).
func stopGroup(p *os.Process, exited <-chan struct{}) {
	signalGroup(p, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		signalGroup(p, syscall.SIGKILL)
		<-exited
	}
	signalGroup(p, syscall.SIGKILL)
}

// lockFile takes an exclusive flock on name, blocking until it is free.
func lockFile(name string) (unlock func(), err error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// tryLockFile takes an exclusive flock on name without waiting; held reports another holder.
func tryLockFile(name string) (f *os.File, held bool, err error) {
	f, err = os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if err == syscall.EWOULDBLOCK {
			return nil, true, nil
		}
		return nil, false, err
	}
	return f, false, nil
}
