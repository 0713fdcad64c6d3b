package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFirstSentenceSplitsAtAFullStopBeforeACapital(t *testing.T) {
	first, rest := firstSentence("Windows Update could not connect to its server (Microsoft's, or WSUS).\n  A reset does not help: the network\n  is the cause. Check the proxy.")
	assert.Equal(t, "Windows Update could not connect to its server (Microsoft's, or WSUS).", first)
	assert.Equal(t, "A reset does not help: the network is the cause. Check the proxy.", rest)

	first, rest = firstSentence("Files in %windir%\\Logs\\CBS. e.g. lower case goes on")
	assert.Equal(t, "Files in %windir%\\Logs\\CBS. e.g. lower case goes on", first)
	assert.Empty(t, rest)
}
