// Backup, restore and copying between stores (SQLite ⇄ PostgreSQL), generic over the tables of the schema.
//
// The portable backup format ("isms backup", JSON lines, UTF-8), one JSON value per line:
//   {"isms_backup":1,"schema_version":N,"migrations":[1,2,…],"source":"…","created_at":"…","producer":"…"}
//   {"table":"NAME","columns":["c1","c2",…]}          once per table, tables sorted by name
//   [v1,v2,…]                                         one line per row: null, integer, real or string
//   {"end":true,"tables":T,"rows":R,"sha256":"…"}     SHA-256 of every byte before this line
// Rows come in primary-key order with text compared byte by byte, so two stores with equal contents give
// byte-identical table sections whatever their engine. The export runs in one read snapshot (SQLite read
// transaction; PostgreSQL REPEATABLE READ), so it is consistent while writers go on.
//
// Tables are enumerated from the engine's catalog (schema.hpp): tables a later migration adds are included
// without code changes. Every table is copied, including schema_version, change_log and change_log_head,
// so a restored store's change log is the same chain with the same head hash.
//
// Restore and copy are all-or-nothing: one Write transaction creates the schema (the backup's own
// migrations), loads every row, checks foreign keys, applies this binary's newer migrations and verifies
// the change log before it commits.
#pragma once

#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "isms/store/change_log.hpp"
#include "isms/store/store.hpp"

namespace isms::store {

struct ExportOptions {
    std::string producer;  // e.g. "isms 0.1.0", recorded in the header
};

struct ExportReport {
    int schema_version = 0;
    int64_t tables = 0;
    int64_t rows = 0;
    std::string sha256;
};

// Writes the whole store in the portable format. Throws kNotFound when the store holds no isms data,
// kUnavailable when writing `out` fails.
ExportReport ExportStore(Store& store, std::ostream& out, const ExportOptions& options = {});

// How a restore or copy treats its target.
struct LoadOptions {
    bool force = false;              // replace whatever the target holds (otherwise it must be empty)
    bool accept_broken_log = false;  // load even when the change log does not verify (otherwise refused)
};

struct LoadReport {
    int schema_version = 0;  // of the target after loading (this binary's)
    int64_t tables = 0;
    int64_t rows = 0;
    LogVerification log;  // of the loaded change log
};

// Loads a portable backup into `target`. Refuses a target that holds data unless options.force (kConflict),
// a backup of a newer schema than this binary (kConflict), a damaged or truncated file (kInvalidInput,
// naming the line). On any error nothing is changed.
LoadReport RestoreStore(Store& target, std::istream& in, const LoadOptions& options = {});

// Copies the whole of `source` into `target` (another store, possibly of the other engine), as a backup and
// restore would, without a file in between. Same rules as RestoreStore.
LoadReport CopyStore(Store& source, Store& target, const LoadOptions& options = {});

struct OrganisationCopyReport {
    std::string org_id;
    int64_t rows = 0;              // rows copied, all tables together
    int64_t log_entries = 0;       // change-log entries carried over (re-chained)
    int64_t first_seq = 0, last_seq = 0;  // their sequence numbers in the target, the marker entry included
};

// Copies one organisation (by id or slug) from `source` into `target`, which may hold other organisations:
// every row of a table with an org_id column whose org_id is the organisation (and its row in
// organisations), and the accounts that are its members unless the target has them already (same id; a
// different account with the same user name is kConflict). Other tables without org_id are shared reference
// data or installation state (sessions, login throttling) and stay as the target has them.
//
// The change log is one chain per store, so the organisation's entries cannot keep their sequence numbers:
// they are appended to the target's chain in their original order, keeping actor, time, entity, operation
// and before/after, and followed by one "import" entry that records where they came from (source, source
// head seq and hash, the source sequence numbers, and the SHA-256 of the source entries' hashes), so the
// history stays verifiable in the target (`isms log verify`) and traceable to the source.
//
// Both stores must be at the same schema; the source is not changed. Throws kNotFound (no such
// organisation), kConflict (it exists in the target already, or the schemas differ, or the source chain
// does not verify and !options.accept_broken_log). All-or-nothing.
OrganisationCopyReport CopyOrganisation(Store& source, Store& target, const std::string& org,
                                        const LoadOptions& options = {});

// True when the file starts with SQLite's header (a copy made by Store::CopyDatabaseFile).
bool IsSqliteFile(const std::string& path);

}  // namespace isms::store
