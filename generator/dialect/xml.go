package dialect

import (
	"fmt"
	"strings"
)

// XMLDecl is the first line of every generated .xml file: the encoding it
// declares is the one Encode writes.
const XMLDecl = `<?xml version="1.0" encoding="UTF-16"?>`

// XML is task.xml, the deferred task's definition: UTF-16LE with a
// byte-order mark and CRLF, as Task Scheduler exports tasks and schtasks
// /create /xml reads them (templates/sources.yaml TASK-XML-ENCODING). The
// text is ASCII, so that the bundle's version mark is found in it.
type XML struct{}

func (XML) Name() string { return "xml" }

func (XML) Comment(text string) string { return "<!-- " + text + " -->" }

func (XML) Encode(text string) ([]byte, error) {
	if !strings.HasPrefix(text, XMLDecl+"\n") {
		return nil, fmt.Errorf("an .xml file must start with %q", XMLDecl)
	}
	if err := ascii(text); err != nil {
		return nil, err
	}
	out, err := crlf(text)
	if err != nil {
		return nil, err
	}
	return UTF16LE(out), nil
}
