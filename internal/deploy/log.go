package deploy

import (
	"fmt"
	"io"
)

// Log is what a deploy tells its user: Say lines ("deploy: ...") always, Note lines ("# ...", the
// narration between a dry run's calls) only in a dry run.
type Log struct {
	Out  io.Writer
	Prog string
	Dry  bool
}

// Say prints "prog: message".
func (l *Log) Say(format string, args ...any) {
	if l != nil && l.Out != nil {
		fmt.Fprintf(l.Out, l.Prog+": "+format+"\n", args...)
	}
}

// Note prints "# message" in a dry run.
func (l *Log) Note(format string, args ...any) {
	if l != nil && l.Out != nil && l.Dry {
		fmt.Fprintf(l.Out, "# "+format+"\n", args...)
	}
}

func (l *Log) dry() bool { return l != nil && l.Dry }
