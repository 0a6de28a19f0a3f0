// Schema migrations: embedded SQL files applied in order (see migrations/README.md).
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "isms/core/embedded.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/store/store.hpp"

ISMS_DECLARE_EMBEDDED(migrations)

namespace isms::store {

namespace {

struct MigrationFile {
    int version;
    const char* file;
};
// Every migration, in order. Never edit a released file; append a new one. Numbers reserved for work in
// progress: 2 catalog, 3 records, 4 security, 5 risk/SoA, 6 evaluation (audit, review), 7 oscal, 8 quant,
// 9 operations.
constexpr MigrationFile kMigrations[] = {
    {1, "0001_foundation.sql"},
    {2, "0002_catalog.sql"},
    {3, "0003_records.sql"},
    {5, "0005_risk.sql"},
    {7, "0007_oscal.sql"},
    {8, "0008_quant.sql"},
};

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

int Store::BinarySchemaVersion() {
    int v = 0;
    for (const auto& m : kMigrations) v = std::max(v, m.version);
    return v;
}

int Store::SchemaVersion() {
    return Read([](Db& db) -> int {
        bool exists = false;
        if (db.dialect() == Dialect::kSqlite) {
            exists = db.QueryOne("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
                         .has_value();
        } else {
            exists = db.QueryOne("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                 "current_schema() AND table_name = 'schema_version'")
                         .has_value();
        }
        if (!exists) return 0;
        auto r = db.QueryOne("SELECT MAX(version) FROM schema_version");
        return r ? static_cast<int>(r->Int(0)) : 0;
    });
}

void Store::Migrate() {
    int current = SchemaVersion();
    if (current > BinarySchemaVersion())
        throw Error::Conflict(fmt::format("the database has schema version {} but this isms understands up to {}: "
                                          "upgrade isms before using this database",
                                          current, BinarySchemaVersion()));
    // Apply every migration not yet recorded (not only those above the highest), so that migrations
    // developed side by side and merged in any order all end up applied.
    std::set<int> applied;
    if (current > 0) {
        Read([&](Db& db) {
            for (const auto& r : db.Query("SELECT version FROM schema_version")) applied.insert(static_cast<int>(r.Int(0)));
        });
    }
    auto files = isms_embedded_migrations();
    for (const auto& m : kMigrations) {
        if (applied.count(m.version)) continue;
        auto sql = embedded::Find(files, m.file);
        if (!sql) throw Error::Internal(fmt::format("migration {} is not embedded", m.file));
        Write(Context::System(), [&](WriteTx& tx) {
            if (m.version == 1)
                tx.Exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
                        "applied_at TEXT NOT NULL)");
            for (const auto& stmt : SplitStatements(*sql)) tx.Exec(stmt);
            tx.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    {V(m.version), V(std::string(m.file)), V(time::NowUtc())});
            tx.Log("", "schema", std::to_string(m.version), "migrate", nullptr, Json{{"file", m.file}});
        });
    }
}

void Store::RequireCurrentSchema() {
    int v = SchemaVersion();
    if (v == 0)
        throw Error::NotFound(fmt::format("{} holds no isms data (create it with: isms init --db …)", Describe()));
    if (v > BinarySchemaVersion())
        throw Error::Conflict(fmt::format("{} has schema version {} but this isms understands up to {}: upgrade isms",
                                          Describe(), v, BinarySchemaVersion()));
    Migrate();  // applies whatever this binary has that the database lacks; a no-op when current
}

}  // namespace isms::store
