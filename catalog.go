// Package wufix holds the default catalog, embedded so that an installed
// wufix binary builds bundles anywhere without the source tree.
package wufix

import "embed"

// Catalog is the default catalog: targets/ and templates/.
//
//go:embed targets templates
var Catalog embed.FS
