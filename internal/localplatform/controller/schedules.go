package controller

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// AppCat picks a random daily backup time and a random weekly maintenance window for claims
// that set none, and keeps them. Here the "random" choice is drawn from a hash of the claim's
// UID: it differs between claims like a random draw, yet is the same on every reconcile and
// after a controller restart without storing anything.

// maintenanceDays are the days AppCat draws the default maintenance window from.
var maintenanceDays = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday"}

const (
	// The default maintenance window starts between 21:00 and 05:00 (UTC).
	windowStartMinute = 21 * 60
	windowMinutes     = 8 * 60
)

// seeded returns a number derived from the claim UID and a purpose, stable for that pair.
func seeded(uid, purpose string) uint64 {
	sum := sha256.Sum256([]byte(uid + "/" + purpose))
	return binary.BigEndian.Uint64(sum[:8])
}

// defaultBackupSchedule is the claim's daily backup cron "M H * * *".
func defaultBackupSchedule(uid string) string {
	n := seeded(uid, "backup")
	minute := n % 60
	hour := (n / 60) % 24
	return fmt.Sprintf("%d %d * * *", minute, hour)
}

// defaultMaintenance is the claim's weekly maintenance window: a day sunday…friday and a time
// between 21:00 and 05:00, as hh:mm:ss.
func defaultMaintenance(uid string) (day, timeOfDay string) {
	n := seeded(uid, "maintenance")
	day = maintenanceDays[n%uint64(len(maintenanceDays))]
	m := (windowStartMinute + (n/uint64(len(maintenanceDays)))%windowMinutes) % (24 * 60)
	return day, fmt.Sprintf("%02d:%02d:00", m/60, m%60)
}

// effectiveSchedules is status.schedules: what the claim asks for, filled with the defaults;
// nil for a kind that has neither backups nor a maintenance window (AppCat writes no schedules
// for it).
func effectiveSchedules(k *kind, obj *unstructured.Unstructured) map[string]any {
	if k.backup == nil && !k.maintenance {
		return nil
	}
	uid := string(obj.GetUID())
	out := map[string]any{"observedGeneration": obj.GetGeneration()}
	if k.backup != nil {
		backup := stringParam(obj, "", "backup", "schedule")
		if backup == "" {
			backup = defaultBackupSchedule(uid)
		}
		out["backup"] = backup
	}
	if k.maintenance {
		day, tod := defaultMaintenance(uid)
		maintenance := map[string]any{
			"dayOfWeek":            stringParam(obj, day, "maintenance", "dayOfWeek"),
			"timeOfDay":            stringParam(obj, tod, "maintenance", "timeOfDay"),
			"disableAppcatRelease": boolParam(obj, false, "maintenance", "disableAppcatRelease"),
		}
		if pin := stringParam(obj, "", "maintenance", "pinImageTag"); pin != "" {
			maintenance["pinImageTag"] = pin
		}
		out["maintenance"] = maintenance
	}
	return out
}
