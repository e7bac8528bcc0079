package flags

// Version is this library's version. It is the one source of the version
// string: exposure events carry it as $lib_version, and requests to PostHog
// name it in their User-Agent.
const Version = "0.1.0"

// libName is this library as PostHog's events name it ($lib).
const libName = "localflags-go"

// userAgent names the library and its version in requests to PostHog.
const userAgent = libName + "/" + Version
