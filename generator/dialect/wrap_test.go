package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWrap(t *testing.T) {
	assert.Equal(t, []string{"one two", "three"}, Wrap("one  two\nthree", 7))
	assert.Equal(t, []string{"a", "longerthanwidth", "b"}, Wrap("a longerthanwidth b", 5))
	assert.Empty(t, Wrap(" \n ", 10))
}
