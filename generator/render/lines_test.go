package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNumberLines(t *testing.T) {
	mark := func(label string) string {
		m, err := lineof(label)
		require.NoError(t, err)
		return m
	}
	script := "rem " + mark("do_b") + " b\nrem " + mark("do_a") + " a\n\n:do_a\nexit /b 0\n\n:DO_B\nexit /b 0\n"
	got, err := numberLines(script)
	require.NoError(t, err)
	assert.Equal(t, "rem     7 b\nrem     4 a\n\n:do_a\nexit /b 0\n\n:DO_B\nexit /b 0\n", got)

	_, err = numberLines("rem " + mark("gone") + "\n:here\n")
	assert.EqualError(t, err, `lineof "gone": the label is on 0 lines`)
	_, err = numberLines("rem " + mark("twice") + "\n:twice\n:twice\n")
	assert.EqualError(t, err, `lineof "twice": the label is on 2 lines`)
	_, err = lineof("not a label")
	assert.Error(t, err)
}
