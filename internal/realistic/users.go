package realistic

import (
	"fmt"
	"time"

	"github.com/localflags/flags"
)

// ReferenceTime is the instant the generated data is built around: signup
// and company creation dates fall in the years before it, and the absolute
// dates in the documents' filters fall in the same range. Evaluate with
// flags.WithClock(ReferenceTime) so that relative date filters ("-30d")
// give the same answers whenever the evaluation runs.
func ReferenceTime() time.Time { return time.Date(2026, time.October, 1, 0, 0, 0, 0, time.UTC) }

// Companies is the number of distinct companies users belong to; user i
// belongs to one of them, chosen by hashing i.
const Companies = 400

var (
	firstNames = []string{"ada", "alan", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances",
		"john", "radia", "tim", "katherine", "edsger", "donald", "hedy", "guido", "sophie", "james", "lucia",
		"omar", "priya", "chen", "yuki", "fatima", "noah", "mia", "lars", "ana", "kofi"}
	lastNames = []string{"lovelace", "turing", "hopper", "torvalds", "hamilton", "thompson", "liskov", "ritchie",
		"allen", "mccarthy", "perlman", "berners", "johnson", "dijkstra", "knuth", "lamarr", "rossum", "wilson",
		"gosling", "garcia", "haddad", "sharma", "wei", "tanaka", "khan", "smith", "muller", "berg", "silva", "mensah"}
	// Email domains and their weights: consumer mail, a few customer
	// companies, and the team's own domain.
	emailDomains = []string{"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me",
		"acme.io", "globex.com", "initech.co", "umbrella-corp.com", "hooli.xyz", "example.org"}
	emailDomainWeights = []int{30, 7, 10, 5, 7, 3, 8, 8, 6, 5, 6, 5}

	plans       = []string{"free", "trial", "pro", "team", "enterprise"}
	planWeights = []int{45, 8, 25, 14, 8}

	countries       = []string{"US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "SE", "BR", "MX", "IN", "JP", "AU"}
	countryWeights  = []int{30, 6, 9, 8, 6, 4, 3, 3, 2, 2, 6, 3, 8, 5, 5}
	countryLocales  = map[string][]string{"US": {"en-US", "es-US"}, "CA": {"en-CA", "fr-CA"}, "GB": {"en-GB"}, "DE": {"de-DE", "en-US"}, "FR": {"fr-FR"}, "ES": {"es-ES"}, "IT": {"it-IT"}, "NL": {"nl-NL", "en-GB"}, "PL": {"pl-PL"}, "SE": {"sv-SE", "en-GB"}, "BR": {"pt-BR"}, "MX": {"es-MX"}, "IN": {"en-IN", "hi-IN"}, "JP": {"ja-JP"}, "AU": {"en-AU"}}
	countryTimezone = map[string]string{"US": "America/New_York", "CA": "America/Toronto", "GB": "Europe/London", "DE": "Europe/Berlin", "FR": "Europe/Paris", "ES": "Europe/Madrid", "IT": "Europe/Rome", "NL": "Europe/Amsterdam", "PL": "Europe/Warsaw", "SE": "Europe/Stockholm", "BR": "America/Sao_Paulo", "MX": "America/Mexico_City", "IN": "Asia/Kolkata", "JP": "Asia/Tokyo", "AU": "Australia/Sydney"}

	browsers       = []string{"Chrome", "Safari", "Firefox", "Edge", "Samsung Internet", "Opera"}
	browserWeights = []int{55, 22, 8, 9, 4, 2}
	systems        = []string{"Windows", "Mac OS X", "iOS", "Android", "Linux", "Chrome OS"}
	systemWeights  = []int{32, 20, 20, 20, 6, 2}
	deviceTypes    = map[string]string{"Windows": "Desktop", "Mac OS X": "Desktop", "Linux": "Desktop", "Chrome OS": "Desktop", "iOS": "Mobile", "Android": "Mobile"}

	userTags    = []string{"beta", "mobile", "power-user", "churn-risk", "newsletter", "early-adopter", "support-vip", "api"}
	utmSources  = []string{"google", "newsletter", "twitter", "linkedin", "producthunt", "direct", "partner", "youtube"}
	referrers   = []string{"$direct", "www.google.com", "news.ycombinator.com", "t.co", "www.linkedin.com", "github.com", "duckduckgo.com"}
	appVersions = []string{"1.9.4", "2.0.0", "2.1.3", "2.2.0", "2.3.1", "2.3.7", "2.4.0", "2.4.2", "2.5.1", "2.6.0", "3.0.0", "3.0.2", "3.1.0"}
	appWeights  = []int{4, 3, 5, 6, 8, 8, 10, 10, 12, 12, 8, 8, 6}

	companyNames = []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "soylent", "cyberdyne",
		"tyrell", "aperture", "vandelay", "pied-piper", "dunder-mifflin", "oceanic", "massive-dynamic", "monarch", "gringotts", "nakatomi"}
	companySuffixes = []string{"Inc", "LLC", "GmbH", "Ltd", "Labs", "Group", "Co"}
	industries      = []string{"saas", "fintech", "retail", "healthcare", "education", "media", "logistics", "gaming", "manufacturing"}
	tiers           = []string{"free", "startup", "growth", "enterprise"}
	tierWeights     = []int{35, 30, 22, 13}
)

// User returns the i-th generated user: a deterministic, realistic person
// with about twenty person properties and a "company" group. Every property
// a generated document's filters read is present, with values spread so that
// those filters match some users and not others.
func User(i int) flags.User {
	r := newRNG(uint64(i), 0x5553455253) // "USERS"
	first, last := pick(r, firstNames), pick(r, lastNames)
	domain := emailDomains[r.weighted(emailDomainWeights...)]
	var email string
	switch r.intn(3) {
	case 0:
		email = first + "." + last + "@" + domain
	case 1:
		email = fmt.Sprintf("%s.%s%d@%s", first, last, r.between(1, 99), domain)
	default:
		email = first[:1] + last + "@" + domain
	}
	country := countries[r.weighted(countryWeights...)]
	os := systems[r.weighted(systemWeights...)]
	browser := browsers[r.weighted(browserWeights...)]
	if os == "iOS" || os == "Mac OS X" {
		if r.chance(0.7) {
			browser = "Safari"
		}
	}
	ref := ReferenceTime()
	signup := ref.AddDate(0, 0, -r.between(1, 730))
	lastSeen := ref.Add(-time.Duration(r.between(60, 45*24*3600)) * time.Second)
	plan := plans[r.weighted(planWeights...)]
	sessions := r.intn(12)
	if plan != "free" || r.chance(0.3) {
		sessions = r.between(0, 60)
	}
	ltv := 0.0
	if plan != "free" && plan != "trial" {
		ltv = float64(r.between(2000, 900000)) / 100
	}
	tags := list(sample(r, userTags, r.weighted(30, 40, 20, 10))...)
	companySize := []int{1, 5, 12, 40, 120, 350, 1200, 5000}[r.weighted(8, 15, 20, 20, 15, 10, 8, 4)] + r.intn(10)

	props := map[string]any{
		"email":                     email,
		"name":                      titleCase(first) + " " + titleCase(last),
		"plan":                      plan,
		"country":                   country,
		"locale":                    pick(r, countryLocales[country]),
		"timezone":                  countryTimezone[country],
		"app_version":               appVersions[r.weighted(appWeights...)],
		"signup_date":               signup.Format(time.DateOnly),
		"last_seen":                 lastSeen.Format(time.RFC3339),
		"age":                       r.between(18, 72),
		"is_beta":                   r.chance(0.15),
		"email_verified":            r.chance(0.85),
		"company_size":              companySize,
		"sessions_last_30d":         sessions,
		"lifetime_value":            ltv,
		"tags":                      tags,
		"utm_source":                pick(r, utmSources),
		"$initial_referring_domain": pick(r, referrers),
		"$browser":                  browser,
		"$browser_version":          r.between(100, 131),
		"$os":                       os,
		"$device_type":              deviceTypes[os],
	}
	if props["$device_type"] == "Mobile" && r.chance(0.2) {
		props["$device_type"] = "Tablet"
	}
	company := int(newRNG(uint64(i), 0x434f4d50).next() % Companies) // "COMP"
	return flags.User{
		DistinctID: uuid(r),
		Properties: props,
		Groups:     map[string]flags.Group{"company": Company(company)},
	}
}

// Company returns the c-th generated company group, with its key and
// properties; users share companies.
func Company(c int) flags.Group {
	r := newRNG(uint64(c), 0x434f4d50414e59) // "COMPANY"
	base := pick(r, companyNames)
	employees := []int{3, 15, 60, 250, 900, 4000}[r.weighted(20, 25, 22, 16, 11, 6)] + r.intn(50)
	tier := tiers[r.weighted(tierWeights...)]
	seats := 1 + employees/(2+r.intn(8))
	arr := 0.0
	if tier != "free" {
		arr = float64(seats * r.between(100, 600))
	}
	return flags.Group{
		Key: fmt.Sprintf("%s-%d", base, c),
		Properties: map[string]any{
			"name":        fmt.Sprintf("%s %s", titleCase(base), pick(r, companySuffixes)),
			"industry":    pick(r, industries),
			"employees":   employees,
			"seats":       seats,
			"tier":        tier,
			"arr":         arr,
			"country":     countries[r.weighted(countryWeights...)],
			"created_at":  ReferenceTime().AddDate(0, 0, -r.between(30, 3000)).Format(time.DateOnly),
			"is_customer": tier != "free" || r.chance(0.1),
		},
	}
}

// uuid draws a UUIDv7-shaped id.
func uuid(r *rng) string {
	a, b := r.next(), r.next()
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff,
		uint16(b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}

func titleCase(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
