package provider

import (
	"strings"
	"testing"
)

func TestCheckCron(t *testing.T) {
	valid := []string{"30 2 * * *", "*/5 * * * *", "0 */6 * * 0", "0 0 1 1 6", "59 23 31 12 *", "* * * * *", "0 0 */2 */3 */2"}
	for _, s := range valid {
		if why := checkCron(s); why != "" {
			t.Errorf("checkCron(%q) = %q, want valid", s, why)
		}
	}
	invalid := map[string]string{
		"0 2 * *":       "exactly five fields",
		"0 2 * * * *":   "exactly five fields",
		"0  2 * * *":    "exactly five fields",
		"60 * * * *":    "field 1 (minute)",
		"0 24 * * *":    "field 2 (hour)",
		"0 0 0 * *":     "field 3 (day of month)",
		"0 0 * 13 *":    "field 4 (month)",
		"0 0 * * 7":     "field 5 (day of week",
		"1-5 * * * *":   "ranges, lists and names",
		"0,30 * * * *":  "field 1",
		"*/0 * * * *":   "*/N with N 1–59",
		"05 2 * * *":    "field 1",
		"0 2 * * mon":   "field 5",
		"@daily":        "exactly five fields",
		"":              "exactly five fields",
		"0 2 * * */7":   "field 5",
		"0 2 */32 * *":  "field 3",
		"-1 2 * * *":    "field 1",
		"0 2 * * *\t":   "field 5",
		" 0 2 * * *":    "exactly five fields",
		"0 2 * * * ":    "exactly five fields",
		"1.5 2 * * *":   "field 1",
		"0 2 * JAN *":   "field 4",
		"*/60 * * * *":  "field 1",
		"0 */24 * * *":  "field 2",
		"0 0 * */13 *":  "field 4",
		"0 0 * * */-1":  "field 5",
		"0 0 ? * *":     "field 3",
		"0 0 L * *":     "field 3",
		"0 0 * * 1#2":   "field 5",
		"0 0 1W * *":    "field 3",
		"0 0 * * 01":    "field 5",
		"0 0 * 1/2 *":   "field 4",
		"*/1/2 * * * *": "field 1",
	}
	for s, want := range invalid {
		why := checkCron(s)
		if why == "" || !strings.Contains(why, want) {
			t.Errorf("checkCron(%q) = %q, want an error containing %q", s, why, want)
		}
	}
}
