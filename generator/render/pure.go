package render

import (
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// pureSprig are the sprig functions templates may call: each gives the same
// result for the same arguments on any build machine. It is an allow-list
// on purpose: a function sprig adds later stays out until someone reads it.
// Left out: the environment (env, expandenv), the clock (now, date*, ago,
// duration*, toDate, unixEpoch), randomness (rand*, uuidv4, shuffle, salted
// hashes, keys and certificates, encryptAES), the network (getHostByName)
// and the build machine's path rules (osBase, osClean, osDir, osExt,
// osIsAbs).
var pureSprig = []string{
	// strings
	"abbrev", "abbrevboth", "camelcase", "cat", "contains", "hasPrefix", "hasSuffix",
	"indent", "initials", "kebabcase", "lower", "nindent", "nospace", "plural", "quote",
	"repeat", "replace", "snakecase", "squote", "substr", "swapcase", "title", "trim",
	"trimAll", "trimPrefix", "trimSuffix", "trimall", "trunc", "untitle", "upper", "wrap",
	"wrapWith", "split", "splitList", "splitn", "join", "sortAlpha", "toString", "toStrings",
	"regexFind", "regexFindAll", "regexMatch", "regexQuoteMeta", "regexReplaceAll",
	"regexReplaceAllLiteral", "regexSplit", "mustRegexFind", "mustRegexFindAll",
	"mustRegexMatch", "mustRegexReplaceAll", "mustRegexReplaceAllLiteral", "mustRegexSplit",
	// lists
	"list", "tuple", "first", "mustFirst", "last", "mustLast", "initial", "mustInitial",
	"rest", "mustRest", "append", "mustAppend", "push", "mustPush", "prepend", "mustPrepend",
	"concat", "reverse", "mustReverse", "uniq", "mustUniq", "without", "mustWithout",
	"has", "mustHas", "compact", "mustCompact", "slice", "mustSlice", "chunk", "mustChunk",
	"seq", "until", "untilStep",
	// dicts
	"dict", "get", "set", "unset", "hasKey", "keys", "values", "pick", "omit", "pluck",
	"dig", "merge", "mustMerge", "mergeOverwrite", "mustMergeOverwrite", "deepCopy", "mustDeepCopy",
	// numbers
	"add", "add1", "sub", "mul", "div", "mod", "max", "min", "biggest", "floor", "ceil",
	"round", "addf", "add1f", "subf", "mulf", "divf", "maxf", "minf",
	// conversions, logic, types
	"atoi", "int", "int64", "float64", "toDecimal", "default", "empty", "coalesce", "all",
	"any", "ternary", "fail", "kindOf", "kindIs", "typeOf", "typeIs", "typeIsLike", "deepEqual",
	// encodings and digests of their input
	"b64enc", "b64dec", "b32enc", "b32dec", "sha1sum", "sha256sum", "sha512sum", "adler32sum",
	"toJson", "mustToJson", "toPrettyJson", "mustToPrettyJson", "toRawJson", "mustToRawJson",
	"fromJson", "mustFromJson",
	// slash paths and versions: the same on every build machine
	"base", "dir", "clean", "ext", "isAbs", "semver", "semverCompare", "urlParse", "urlJoin",
}

// PureFuncs is sprig's deterministic subset, the base of every template's
// function map.
func PureFuncs() template.FuncMap {
	all := sprig.TxtFuncMap()
	out := make(template.FuncMap, len(pureSprig))
	for _, name := range pureSprig {
		if f, ok := all[name]; ok {
			out[name] = f
		}
	}
	return out
}
