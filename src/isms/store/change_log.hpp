// The hash-chained change log: the audit trail and the history of every record.
//
// Each entry's hash is the SHA-256 of its canonical JSON form (sorted keys, compact), which includes the
// previous entry's hash, so changing, removing or reordering any stored entry breaks the chain from there
// on. Entries are appended only by WriteTx::Log (same transaction as the change they describe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isms/store/store.hpp"

namespace isms::store {

// The canonical text that is hashed for an entry (everything but `hash`).
std::string CanonicalEntry(const ChangeEntry& e);
// SHA-256 hex of CanonicalEntry(e).
std::string EntryHash(const ChangeEntry& e);

struct LogVerification {
    bool ok = true;
    int64_t entries = 0;                  // entries checked
    int64_t head_seq = 0;                 // last sequence number seen
    std::string head_hash;                // hash of the last entry
    std::optional<int64_t> first_broken;  // sequence number of the first entry that fails
    std::string problem;                  // what is wrong with it, in words
};

// Recomputes the whole chain (in one read snapshot).
LogVerification VerifyLog(Store& store);
// The same inside an open Read or Write (restore checks the chain it loaded before committing).
LogVerification VerifyLog(Db& db);

// Appends `e` to the chain: fills in seq, prev_hash and hash from the current head and stores the entry and
// the new head. For the store's own use (WriteTx::Log, and moving an organisation's history between
// stores, which keeps each entry's actor and time); domain code uses WriteTx::Log. Must run inside Write.
void AppendLogEntry(Db& db, ChangeEntry& e);

// The columns of change_log in the order EntryFromRow reads them ("seq, org_id, …, hash").
std::string_view ChangeLogColumns();
// One entry from a row of "SELECT <ChangeLogColumns()> FROM change_log".
ChangeEntry EntryFromRow(const Row& r);

struct LogQuery {
    std::string org_id;      // required: entries of this organisation only ("": installation-wide entries)
    std::string entity;      // optional filter
    std::string entity_id;   // optional filter
    int64_t after_seq = 0;   // cursor: entries with seq > after_seq
    int limit = 100;
    // (Added after `limit` so that positional initialisers {org, entity, id, after, limit} keep their meaning.)
    int64_t before_seq = 0;     // cursor when > 0: entries with seq < before_seq
    bool newest_first = false;  // order by seq descending (reading back from the head, e.g. with before_seq)
    // A further condition on the change_log row (portable SQL with '?' bound from condition_params), for
    // callers that narrow entries by more than the organisation (auth: the installation-wide entries about an
    // organisation's members).
    std::string condition;
    Params condition_params;
};
std::vector<ChangeEntry> ReadLog(Db& db, const LogQuery& q);

}  // namespace isms::store
