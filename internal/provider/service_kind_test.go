package provider

import "testing"

// TestCompareVersions: listed versions are ordered by their list; a kind with a version pattern
// (Nextcloud) compares the numbers part by part, and refuses what its pattern does not match.
func TestCompareVersions(t *testing.T) {
	redis, nextcloud := redisKind{}.descriptor(), nextcloudKind{}.descriptor()
	for _, c := range []struct {
		d      kindDescriptor
		a, b   string
		order  int
		usable bool
	}{
		{redis, "7.0", "8.0", -1, true},
		{redis, "8.0", "7.2", 1, true},
		{redis, "7.2", "7.2", 0, true},
		{redis, "6.2", "7.2", -1, false},
		{nextcloud, "31", "32", -1, true},
		{nextcloud, "31", "31.1", -1, true},
		{nextcloud, "31.0", "31", 0, true},
		{nextcloud, "32", "31.9", 1, true},
		{nextcloud, "100", "99", 1, true},
		{nextcloud, "31.0.4", "31", 0, false},
	} {
		order, ok := c.d.compareVersions(c.a, c.b)
		if ok != c.usable || (ok && (order < 0) != (c.order < 0)) || (ok && (order > 0) != (c.order > 0)) {
			t.Errorf("%s: compareVersions(%q, %q) = %d, %v; want %d, %v", c.d.typeName, c.a, c.b, order, ok, c.order, c.usable)
		}
	}
}
