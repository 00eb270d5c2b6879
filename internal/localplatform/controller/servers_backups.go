package controller

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// Backups and restore of real servers. Each backup object of an instance with a running real
// server has a dump of the whole server beside it (<server dir>/backups/<backup name>.dump: SQL or, for Redis, an RDB file), taken
// before the object appears, so a listed backup is complete. A new instance restored from another
// loads, into its fresh server, the dump the platform's restore rules choose:
//   - a named backup (StackGres, Redis style): that backup's dump;
//   - CloudNativePG's continuous backup, to the latest state: a dump of the source server now;
//   - CloudNativePG to a point in time: the newest backup taken at or before it. Write-ahead logs
//     are not archived, so what was written between that backup and the time is not restored.
// The restored server keeps the admin password of its own connection secret.

// backupDumpPath is where the dump of a backup of the server in dir lies.
func backupDumpPath(dir, backup string) string {
	return filepath.Join(dir, "backups", backup+".dump")
}

// dumpForBackup dumps the claim's running real server for the backup name; nothing when the claim
// has none.
func (r *reconciler) dumpForBackup(ctx context.Context, obj *unstructured.Unstructured, name string) error {
	if r.servers == nil || r.kind.server == nil {
		return nil
	}
	return r.servers.dump(ctx, r.kind.server, string(obj.GetUID()), func(dir string) string { return backupDumpPath(dir, name) })
}

// dropBackupDump removes the dump of a pruned backup.
func (r *reconciler) dropBackupDump(obj *unstructured.Unstructured, name string) {
	if r.servers == nil || r.kind.server == nil {
		return
	}
	_ = os.Remove(backupDumpPath(filepath.Join(r.servers.root, string(obj.GetUID())), name))
}

// restoreDump says which dump a restored claim's fresh server loads: a function that produces
// its path when the server is new, or nil when nothing is to be loaded.
func (r *reconciler) restoreDump(ctx context.Context, obj *unstructured.Unstructured) (func(ctx context.Context) (string, error), error) {
	if !restoreRequested(obj) || r.kind.restoreStyle == nil || r.servers.hasData(string(obj.GetUID())) {
		return nil, nil
	}
	src := r.kind.newObject()
	if err := r.client.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: stringParam(obj, "", "restore", "claimName")}, src); err != nil {
		return nil, err // restoredData has reported what is missing
	}
	srcDir := filepath.Join(r.servers.root, string(src.GetUID()))
	backupName := stringParam(obj, "", "restore", "backupName")
	stamp := stringParam(obj, "", "restore", "recoveryTimeStamp")
	switch r.kind.restoreStyle(obj) {
	case restoreNamedBackup, restoreNamedBackupOrNone:
		if backupName == "" {
			return nil, nil
		}
		return existingDump(backupDumpPath(srcDir, backupName)), nil
	case restoreContinuous:
		if stamp == "" {
			return func(ctx context.Context) (string, error) {
				path := filepath.Join(r.servers.root, string(obj.GetUID()), "restore.dump")
				err := r.servers.dump(ctx, r.kind.server, string(src.GetUID()), func(string) string { return path })
				return path, err
			}, nil
		}
		at, err := time.Parse(time.RFC3339, stamp)
		if err != nil {
			return nil, nil // restoredData has refused it
		}
		items, err := r.listBackups(ctx, src)
		if err != nil {
			return nil, err
		}
		for i := range items { // newest first
			if !backupTime(r.kind.backup, &items[i]).After(at) {
				return existingDump(backupDumpPath(srcDir, items[i].GetName())), nil
			}
		}
	}
	return nil, nil
}

// existingDump is a dump that lies at path already; a missing one (the source had no real
// server then) loads nothing.
func existingDump(path string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		if _, err := os.Stat(path); err != nil {
			logr.FromContextOrDiscard(ctx).Info("no dump to restore from: the source had no real server then", "dump", path)
			return "", nil
		}
		return path, nil
	}
}

// dump writes a dump of the running server of uid to the path it names for the server's
// directory; nothing when no server of uid runs.
func (p *serverPool) dump(ctx context.Context, e serverEngine, uid string, path func(dir string) string) error {
	sl := p.existingSlot(uid)
	if sl == nil {
		return nil
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	s := sl.server
	if s == nil {
		return nil
	}
	select {
	case <-s.done:
		return nil
	default:
	}
	dir := filepath.Join(p.root, uid)
	out := path(dir)
	if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
		return err
	}
	if err := e.dump(ctx, dir, s.spec, out); err != nil {
		return fmt.Errorf("dumping the %s server: %w", e.name(), err)
	}
	return nil
}

// hasData tells whether the server of uid has a data directory already.
func (p *serverPool) hasData(uid string) bool {
	_, err := os.Stat(filepath.Join(p.root, uid, "data"))
	return err == nil
}
