package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Validators of schedules, mirroring the platform's rules so a plan fails before anything changes.

// cronField is one field of the platform's 5-field cron: `*`, a number, or `*/N`. The platform
// takes no ranges (1-5), lists (1,3) or names (mon).
type cronField struct {
	name     string
	min, max int
}

var cronFields = []cronField{
	{"minute", 0, 59},
	{"hour", 0, 23},
	{"day of month", 1, 31},
	{"month", 1, 12},
	{"day of week (0 = Sunday)", 0, 6},
}

var cronNumber = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

// checkCron returns why s is not a schedule the platform accepts, or "".
func checkCron(s string) string {
	fields := strings.Split(s, " ")
	if len(fields) != 5 {
		return fmt.Sprintf("a schedule has exactly five fields separated by single spaces — minute, hour, day of month, month, day of week — e.g. \"30 2 * * *\" (daily at 02:30 UTC); %q has %d",
			s, len(strings.Fields(s)))
	}
	for i, f := range fields {
		spec := cronFields[i]
		if f == "*" {
			continue
		}
		num, step := f, false
		if rest, ok := strings.CutPrefix(f, "*/"); ok {
			num, step = rest, true
		}
		n, err := strconv.Atoi(num)
		lo := spec.min
		if step && lo == 0 {
			lo = 1
		}
		if !cronNumber.MatchString(num) || err != nil || n < lo || n > spec.max {
			return fmt.Sprintf("field %d (%s) is %q: it must be *, a number %d–%d, or */N with N %d–%d (ranges, lists and names are not supported by the platform)",
				i+1, spec.name, f, spec.min, spec.max, lo, spec.max)
		}
	}
	return ""
}

// cronValidator checks a backup schedule.
type cronValidator struct{}

func (cronValidator) Description(context.Context) string {
	return "must be a 5-field cron schedule (minute hour day-of-month month day-of-week), each field *, a number or */N"
}
func (v cronValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (cronValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if why := checkCron(req.ConfigValue.ValueString()); why != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid backup schedule", fmt.Sprintf("%q is not a schedule the platform accepts: %s.", req.ConfigValue.ValueString(), why))
	}
}

// timeOfDayFormat is the platform's format of a maintenance time: hh:mm:ss, 24 hours, UTC.
var timeOfDayFormat = regexp.MustCompile(`^([0-1]?[0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])$`)

type timeOfDayValidator struct{}

func (timeOfDayValidator) Description(context.Context) string {
	return "must be a time of day hh:mm:ss (24 hours, UTC)"
}
func (v timeOfDayValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (timeOfDayValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !timeOfDayFormat.MatchString(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time of day",
			fmt.Sprintf("%q is not a time of day the platform accepts: use hh:mm:ss on a 24-hour clock, in UTC, e.g. \"22:30:00\".", s))
	}
}
