package controller

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// The data marker (extension): what an instance holds, so that backups and restores can be
// verified rather than assumed. memory.data {checksum, writes, updatedAt}:
//
//   - a new instance holds the empty dataset (checksum sha256("")); a restored one the source's
//     checksum as of the backup or timestamp; writes counts the writes this instance received;
//   - the annotation local.appcat.vshn.io/write-data: <payload> writes to it: each new value of
//     the annotation is one write, checksum = sha256(previous checksum + payload);
//   - every state is recorded with its platform time in the ConfigMap data-history of the
//     instance namespace (key "history", a JSON list, oldest first), which answers restores to
//     a point in time. It is created with the first write; until then memory.data is the whole
//     history.

const (
	writeDataAnnotation = "local.appcat.vshn.io/write-data"
	dataHistoryName     = "data-history"
	dataHistoryKey      = "history"
	// maxHistoryEntries bounds the ConfigMap (1 MiB); older states can no longer be restored to
	// a point in time.
	maxHistoryEntries = 2000
)

var emptyDataChecksum = sha256Hex("")

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// nextChecksum is the dataset's checksum after writing payload to a dataset with checksum prev.
func nextChecksum(prev, payload string) string { return sha256Hex(prev + payload) }

// dataState is memory.data.
type dataState struct {
	Checksum  string
	Writes    int64
	UpdatedAt time.Time // platform time
}

func (d dataState) toMap() map[string]any {
	return map[string]any{"checksum": d.Checksum, "writes": d.Writes, "updatedAt": platformStamp(d.UpdatedAt)}
}

// readData reads memory.data from a status map.
func readData(status any) (dataState, bool) {
	s, _ := status.(map[string]any)
	m, _ := s["data"].(map[string]any)
	c, _ := m["checksum"].(string)
	if c == "" {
		return dataState{}, false
	}
	at, _ := time.Parse(time.RFC3339, fmt.Sprint(m["updatedAt"]))
	return dataState{Checksum: c, Writes: toInt64(m["writes"]), UpdatedAt: at}, true
}

// historyEntry is one state of the dataset in the data-history ConfigMap.
type historyEntry struct {
	Time     string `json:"time"` // platform time, RFC 3339
	Checksum string `json:"checksum"`
	Writes   int64  `json:"writes"`
	// Payload is the sha256 of the write-data payload that led to this state (none for the
	// initial state): the annotation's value is a new write only if it differs.
	Payload string `json:"payloadSHA256,omitempty"`
}

func entryOf(d dataState) historyEntry {
	return historyEntry{Time: platformStamp(d.UpdatedAt), Checksum: d.Checksum, Writes: d.Writes}
}

func (e historyEntry) state() dataState {
	at, _ := time.Parse(time.RFC3339, e.Time)
	return dataState{Checksum: e.Checksum, Writes: e.Writes, UpdatedAt: at}
}

// stateAt is the dataset as of platform time t: the last entry not after t. ok is false when t
// is before the first entry.
func stateAt(history []historyEntry, t time.Time) (historyEntry, bool) {
	var found historyEntry
	ok := false
	for _, e := range history {
		at, err := time.Parse(time.RFC3339, e.Time)
		if err != nil || at.After(t) {
			continue
		}
		found, ok = e, true
	}
	return found, ok
}

// dataHistoryKeyOf is where the data history is kept: next to the memory at mem, named
// data-history (with the same claim UID suffix as the memory in appcat-system).
func dataHistoryKeyOf(mem types.NamespacedName) types.NamespacedName {
	return types.NamespacedName{Namespace: mem.Namespace, Name: dataHistoryName + strings.TrimPrefix(mem.Name, stateConfigMapName)}
}

// readHistory reads the data-history ConfigMap at key; cm is nil when there is none.
func (r *reconciler) readHistory(ctx context.Context, key types.NamespacedName) ([]historyEntry, *corev1.ConfigMap, error) {
	if key.Namespace == "" {
		return nil, nil, nil
	}
	var cm corev1.ConfigMap
	err := r.client.Get(ctx, key, &cm)
	if apierrors.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading ConfigMap %s: %w", key, err)
	}
	var h []historyEntry
	if s := cm.Data[dataHistoryKey]; s != "" {
		if err := json.Unmarshal([]byte(s), &h); err != nil {
			return nil, nil, fmt.Errorf("ConfigMap %s: %w", key, err)
		}
	}
	return h, &cm, nil
}

// claimHistory is the data history of a claim: its ConfigMap, or memory.data alone before the
// first write.
func (r *reconciler) claimHistory(ctx context.Context, obj *unstructured.Unstructured) ([]historyEntry, error) {
	h, _, err := r.readHistory(ctx, dataHistoryKeyOf(memoryKey(r.kind, obj)))
	if err != nil || len(h) > 0 {
		return h, err
	}
	if d, ok := readData(obj.Object["status"]); ok {
		return []historyEntry{entryOf(d)}, nil
	}
	return nil, nil
}

// applyDataWrite performs the write the write-data annotation asks for, if it is a new one, and
// puts the dataset into memory.data (which holds the current state already).
func (r *reconciler) applyDataWrite(ctx context.Context, obj *unstructured.Unstructured, status map[string]any, now time.Time) error {
	payload, ok := obj.GetAnnotations()[writeDataAnnotation]
	if !ok {
		return nil
	}
	cur, _ := readData(status)
	key := dataHistoryKeyOf(memoryKey(r.kind, obj))
	history, cm, err := r.readHistory(ctx, key)
	if err != nil {
		return err
	}
	if len(history) == 0 {
		history = []historyEntry{entryOf(cur)}
	}
	last := history[len(history)-1]
	sum := sha256Hex(payload)
	if last.Payload == sum {
		// Written already; the status follows the history (its write may have been lost).
		status["data"] = last.state().toMap()
		return nil
	}
	next := historyEntry{Time: platformStamp(now), Checksum: nextChecksum(last.Checksum, payload), Writes: last.Writes + 1, Payload: sum}
	history = append(history, next)
	if len(history) > maxHistoryEntries {
		history = history[len(history)-maxHistoryEntries:]
	}
	raw, err := json.Marshal(history)
	if err != nil {
		return err
	}
	if cm == nil {
		cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name, Labels: claimLabels(r.kind, obj)}}
		cm.Data = map[string]string{dataHistoryKey: string(raw)}
		if err := r.client.Create(ctx, cm); err != nil {
			if apierrors.IsAlreadyExists(err) {
				return retrySoon("ConfigMap %s created meanwhile", key)
			}
			return fmt.Errorf("creating ConfigMap %s: %w", key, err)
		}
	} else {
		if cm.Data == nil {
			cm.Data = map[string]string{}
		}
		cm.Data[dataHistoryKey] = string(raw)
		if err := r.client.Update(ctx, cm); err != nil {
			return fmt.Errorf("updating ConfigMap %s: %w", key, err)
		}
	}
	status["data"] = next.state().toMap()
	return nil
}
