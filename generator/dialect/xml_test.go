package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestXMLIsUTF16WithAByteOrderMark(t *testing.T) {
	data, err := XML{}.Encode(XMLDecl + "\n<Task/>\n")
	require.NoError(t, err)
	want := UTF16LE(XMLDecl + "\r\n<Task/>\r\n")
	assert.Equal(t, want, data)
	assert.Equal(t, []byte{0xff, 0xfe, '<', 0}, data[:4])

	_, err = XML{}.Encode(`<?xml version="1.0"?>` + "\n<Task/>\n")
	assert.ErrorContains(t, err, "must start with", "the declaration names the encoding Encode writes")
	_, err = XML{}.Encode(XMLDecl + "\n<Task>\u00e9</Task>\n")
	assert.ErrorContains(t, err, "not ASCII", "the version mark is found in ASCII text only")
	assert.IsType(t, XML{}, ForFile("win7/task.xml"))
}
