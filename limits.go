package flags

import "github.com/localflags/flags/internal/ecma"

// Limits bound what a definitions document can make the client do, so that
// a bad or hostile document cannot exhaust memory or time. A document over
// a document-wide limit is rejected with an error that names the limit; a
// flag over a per-flag limit is inconclusive, with a cause that names the
// limit, and every other flag still works.
//
// The MaxValue limits bound what one property value can make a filter do
// (see [User.Properties]). A filter that reads a value over them is
// inconclusive, with a cause that names the limit.
const (
	// MaxDocumentBytes bounds a definitions document, whatever its source;
	// PollerConfig.MaxBodyBytes raises it for polled documents.
	MaxDocumentBytes = 64 << 20
	// MaxFlags bounds the flags of one document.
	MaxFlags = 100_000
	// MaxConditions bounds the condition sets of one flag.
	MaxConditions = 1000
	// MaxFilters bounds the filters of one condition set, and the entries
	// of one cohort group.
	MaxFilters = 1000
	// MaxNesting bounds how deeply cohorts include cohorts (and groups
	// nest within a cohort), and how long a dependency chain may be: a
	// deeper cohort, or a longer chain, is inconclusive.
	MaxNesting = maxNesting
	// MaxRegexLength bounds a regex filter's pattern, in bytes. Go's RE2
	// engine matches in time linear in the subject for any pattern, so no
	// regex can hang evaluation; a longer pattern is inconclusive.
	MaxRegexLength = ecma.MaxRegexpPattern

	// MaxValueDepth bounds how deeply a composite property value may nest:
	// a map or slice inside a map or slice... more than MaxValueDepth
	// levels deep is too deep to compare. A value that contains itself is
	// infinitely deep.
	MaxValueDepth = 100
	// MaxValueElements bounds the elements of slices and entries of maps a
	// filter may visit in one property value. A part of the value that is
	// reachable along several paths counts once for each, so a value that
	// shares itself to exponential size cannot make a filter run long.
	MaxValueElements = 10_000
	// MaxValueBytes bounds the text a filter may spell from a composite
	// property value (the joined elements a text operator reads, or the
	// JSON exact compares). A string property is read in place and is not
	// limited.
	MaxValueBytes = 1 << 20
)
