#include "isms/store/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms::store {

namespace {

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::vector<std::string> SplitStatements(std::string_view sql) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in{std::string(sql)};
    std::string line;
    while (std::getline(in, line)) {
        auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
        cur += line;
        cur += '\n';
        auto last = line.find_last_not_of(" \t\r");
        if (last != std::string::npos && line[last] == ';') {
            cur.erase(cur.find_last_of(';'));
            out.push_back(cur);
            cur.clear();
        }
    }
    if (cur.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(cur);
    return out;
}

}  // namespace

bool ColumnInfo::IsText() const {
    return type.find("text") != std::string::npos || type.find("char") != std::string::npos ||
           type.find("clob") != std::string::npos;
}

bool TableInfo::HasColumn(std::string_view column) const {
    return std::any_of(columns.begin(), columns.end(), [&](const ColumnInfo& c) { return c.name == column; });
}

std::string QuoteIdent(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::vector<TableInfo> ListTables(Db& db) {
    std::vector<TableInfo> out;
    if (db.dialect() == Dialect::kSqlite) {
        for (const Row& r : db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                     "'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
            TableInfo t;
            t.name = r.Str(0);
            std::vector<std::pair<int64_t, std::string>> key;
            for (const Row& c : db.Query(fmt::format("PRAGMA table_info({})", QuoteIdent(t.name)))) {
                t.columns.push_back({c.Str("name"), Lower(c.Str("type"))});
                if (c.Int("pk") > 0) key.emplace_back(c.Int("pk"), c.Str("name"));
            }
            std::sort(key.begin(), key.end());
            for (auto& [pos, name] : key) t.primary_key.push_back(name);
            out.push_back(std::move(t));
        }
        return out;
    }
    std::map<std::string, TableInfo> by_name;
    for (const Row& r : db.Query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = "
                                 "current_schema() AND table_type = 'BASE TABLE'")) {
        by_name[r.Str(0)].name = r.Str(0);
    }
    for (const Row& r : db.Query("SELECT table_name::text, column_name::text, data_type::text FROM "
                                 "information_schema.columns WHERE table_schema = current_schema() ORDER BY "
                                 "table_name, ordinal_position")) {
        auto it = by_name.find(r.Str(0));
        if (it != by_name.end()) it->second.columns.push_back({r.Str(1), Lower(r.Str(2))});
    }
    for (const Row& r : db.Query("SELECT kcu.table_name::text, kcu.column_name::text FROM "
                                 "information_schema.table_constraints tc JOIN information_schema.key_column_usage "
                                 "kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = "
                                 "kcu.table_schema AND tc.table_name = kcu.table_name WHERE tc.constraint_type = "
                                 "'PRIMARY KEY' AND tc.table_schema = current_schema() ORDER BY kcu.table_name, "
                                 "kcu.ordinal_position")) {
        auto it = by_name.find(r.Str(0));
        if (it != by_name.end()) it->second.primary_key.push_back(r.Str(1));
    }
    for (auto& [name, t] : by_name) out.push_back(std::move(t));  // std::map: sorted by name, byte order
    return out;
}

bool TableExists(Db& db, std::string_view table) {
    if (db.dialect() == Dialect::kSqlite)
        return db.QueryOne("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", {V(table)}).has_value();
    return db
        .QueryOne("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND "
                  "table_name = ?",
                  {V(table)})
        .has_value();
}

std::string PortableOrderBy(Dialect dialect, const TableInfo& table) {
    std::vector<std::string> keys = table.primary_key;
    if (keys.empty())
        for (const auto& c : table.columns) keys.push_back(c.name);
    std::string out;
    for (const auto& k : keys) {
        if (!out.empty()) out += ", ";
        out += QuoteIdent(k);
        auto col = std::find_if(table.columns.begin(), table.columns.end(),
                                [&](const ColumnInfo& c) { return c.name == k; });
        if (dialect == Dialect::kPostgres && col != table.columns.end() && col->IsText()) out += " COLLATE \"C\"";
    }
    return out;
}

std::set<int> AppliedMigrations(Db& db) {
    std::set<int> out;
    if (!TableExists(db, "schema_version")) return out;
    for (const Row& r : db.Query("SELECT version FROM schema_version")) out.insert(static_cast<int>(r.Int(0)));
    return out;
}

void ApplyMigration(WriteTx& tx, const Migration& m) {
    if (m.version == 1)
        tx.Exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at TEXT NOT NULL)");
    for (const auto& stmt : SplitStatements(m.sql)) {
        try {
            tx.Exec(stmt);
        } catch (const Error& e) {
            throw Error::Internal(fmt::format("migration {} failed: {}", m.name, e.what()));
        }
    }
    tx.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
            {V(m.version), V(m.name), V(time::NowUtc())});
    tx.Log("", "schema", std::to_string(m.version), "migrate", nullptr, Json{{"file", m.name}});
}

void ForeignKeySuspension::Suspend(WriteTx& tx) {
    if (tx.dialect() == Dialect::kSqlite) {
        tx.Exec("PRAGMA defer_foreign_keys = ON");
        return;
    }
    for (const Row& r : tx.Query("SELECT quote_ident(t.relname), quote_ident(c.conname), pg_get_constraintdef(c.oid) "
                                 "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' "
                                 "AND c.connamespace = current_schema()::regnamespace ORDER BY 1, 2")) {
        keys_.push_back({r.Str(0), r.Str(1), r.Str(2)});
    }
    for (const auto& k : keys_) tx.Exec(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", k.table, k.name));
}

void ForeignKeySuspension::Restore(WriteTx& tx) {
    if (tx.dialect() == Dialect::kSqlite) {
        // Deferred keys are checked at COMMIT; check now to name the table instead of a bare failure.
        auto bad = tx.Query("PRAGMA foreign_key_check");
        if (!bad.empty())
            throw Error::Conflict(fmt::format("{} row(s) refer to rows that do not exist (first: table '{}', row {}, "
                                              "referring to '{}')",
                                              bad.size(), bad[0].Str(0), bad[0].Str(1), bad[0].Str(2)));
        return;
    }
    for (const auto& k : keys_) {
        try {
            tx.Exec(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", k.table, k.name, k.definition));
        } catch (const Error& e) {
            throw Error::Conflict(fmt::format("rows of table {} refer to rows that do not exist ({}): {}", k.table,
                                              k.definition, e.what()));
        }
    }
    keys_.clear();
}

}  // namespace isms::store
