package flags

import "github.com/localflags/flags/internal/ecma"

// Limits bound what a definitions document can make the client do, so that
// a bad or hostile document cannot exhaust memory or time. A document over
// a document-wide limit is rejected with an error that names the limit; a
// flag over a per-flag limit is inconclusive, with a cause that names the
// limit, and every other flag still works.
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
)
