package hresult

//go:generate go run mkcodes.go

import (
	"cmp"
	"slices"
)

// entry pairs a number with its symbolic name. Every table in this package
// is a slice of entries sorted by key, written as a Go literal so that a
// reviewer can compare it line by line with its source; tables_test.go
// checks the order.
type entry[K ~uint16 | ~uint32] struct {
	key  K
	name string
}

// lookup returns the name for key in the sorted table, or "" if absent.
func lookup[K ~uint16 | ~uint32](table []entry[K], key K) string {
	i, found := slices.BinarySearchFunc(table, key, func(e entry[K], k K) int {
		return cmp.Compare(e.key, k)
	})
	if !found {
		return ""
	}
	return table[i].name
}

// wellKnownName and win32Name look in the hand-kept table first: it holds
// only what the generated SDK table lacks or names less usefully.
func wellKnownName(c Code) string  { return cmp.Or(lookup(wellKnown, c), lookup(sdkHRESULTs, c)) }
func win32Name(n uint16) string    { return cmp.Or(lookup(win32Names, n), lookup(sdkWin32, n)) }
func facilityName(f uint16) string { return lookup(facilityNames, f) }
func facilityNote(f uint16) string { return lookup(facilityNotes, f) }
