package appcat

// Status fields that the real AppCat does not have and this project's platform adds, so that
// maintenance runs and the data an instance holds can be observed (see the local platform's
// README, "Extensions for backup, restore and maintenance").

// MaintenanceRun is status.lastMaintenance: the last maintenance run of an instance.
type MaintenanceRun struct {
	StartedAt   string `json:"startedAt,omitempty"`
	CompletedAt string `json:"completedAt,omitempty"`
	Success     *bool  `json:"success,omitempty"`
	Message     string `json:"message,omitempty"`
	BackupName  string `json:"backupName,omitempty"`
}

// DataMarker is status.data: a checksum of the data the instance holds, changed by every write.
// A restore is verified by comparing checksums.
type DataMarker struct {
	Checksum  string `json:"checksum,omitempty"`
	Writes    int64  `json:"writes,omitempty"`
	UpdatedAt string `json:"updatedAt,omitempty"`
}
