// What a database holds, read from the engine's own catalog (SQLite: sqlite_master and PRAGMA table_info;
// PostgreSQL: information_schema and pg_constraint of the current schema), and how migrations are applied.
//
// Backup, restore and `isms migrate` enumerate tables from here, so a table that a later migration adds is
// included without further code. For the store's own use; domain code never needs it.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "isms/store/store.hpp"

namespace isms::store {

struct ColumnInfo {
    std::string name;
    std::string type;  // declared type, lower case ("text", "bigint", "double precision")
    bool IsText() const;
};

struct TableInfo {
    std::string name;
    std::vector<ColumnInfo> columns;       // in declaration order
    std::vector<std::string> primary_key;  // column names in key order; empty when the table has none
    bool HasColumn(std::string_view column) const;
};

// Every table of the store (engine-internal tables such as sqlite_sequence excluded), sorted by name.
std::vector<TableInfo> ListTables(Db& db);
bool TableExists(Db& db, std::string_view table);

// `"name"` with embedded quotes doubled: a safe identifier on both engines.
std::string QuoteIdent(std::string_view name);

// An ORDER BY list that sorts a table's rows the same way on both engines: by primary key (all columns
// when there is none), text compared byte by byte (COLLATE "C" on PostgreSQL, SQLite's BINARY default).
std::string PortableOrderBy(Dialect dialect, const TableInfo& table);

// Versions recorded in schema_version (empty for an empty database).
std::set<int> AppliedMigrations(Db& db);

// Applies one migration inside an open Write: its statements, the schema_version row and a change-log
// entry. Throws kInternal when a statement fails (the transaction is then rolled back by Write).
void ApplyMigration(WriteTx& tx, const Migration& m);

// Foreign keys must not get in the way while whole tables are loaded in an arbitrary order (restore,
// moving an organisation): SQLite defers them to COMMIT; PostgreSQL drops them and adds them back (which
// re-checks every row) before the transaction ends. Use inside one Write: Suspend(), load, Restore().
class ForeignKeySuspension {
public:
    void Suspend(WriteTx& tx);
    void Restore(WriteTx& tx);

private:
    struct Key {
        std::string table, name, definition;
    };
    std::vector<Key> keys_;
};

}  // namespace isms::store
