// Schema migrations: embedded SQL files applied in order (see migrations/README.md).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "isms/core/embedded.hpp"
#include "isms/core/error.hpp"
#include "isms/store/schema.hpp"
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
    {4, "0004_auth.sql"},
    {5, "0005_risk.sql"},
    {6, "0006_evaluation.sql"},
    {7, "0007_oscal.sql"},
    {8, "0008_quant.sql"},
    {9, "0009_concurrency.sql"},
};

// Refuses a database that holds migrations this binary does not know (written by a newer isms).
void RefuseNewer(const std::string& describe, const std::set<int>& applied) {
    std::set<int> known;
    for (const auto& m : kMigrations) known.insert(m.version);
    std::string unknown;
    for (int v : applied)
        if (!known.count(v)) unknown += (unknown.empty() ? "" : ", ") + std::to_string(v);
    if (unknown.empty()) return;
    throw Error::Conflict(fmt::format("{} has schema version {} (migration {} unknown here) but this isms understands "
                                      "up to {}: upgrade isms before using this database",
                                      describe, *applied.rbegin(), unknown, Store::BinarySchemaVersion()));
}

}  // namespace

const std::vector<Migration>& Store::Migrations() {
    static const std::vector<Migration> all = [] {
        std::vector<Migration> out;
        auto files = isms_embedded_migrations();
        for (const auto& m : kMigrations) {
            auto sql = embedded::Find(files, m.file);
            if (!sql) throw Error::Internal(fmt::format("migration {} is not embedded", m.file));
            out.push_back({m.version, m.file, std::string(*sql)});
        }
        return out;
    }();
    return all;
}

int Store::BinarySchemaVersion() {
    int v = 0;
    for (const auto& m : kMigrations) v = std::max(v, m.version);
    return v;
}

int Store::SchemaVersion() {
    return Read([](Db& db) -> int {
        auto applied = AppliedMigrations(db);
        return applied.empty() ? 0 : *applied.rbegin();
    });
}

void Store::Migrate() {
    std::set<int> applied = Read([](Db& db) { return AppliedMigrations(db); });
    RefuseNewer(Describe(), applied);
    // Apply every migration not yet recorded (not only those above the highest), so that migrations
    // developed side by side and merged in any order all end up applied.
    for (const auto& m : Migrations()) {
        if (applied.count(m.version)) continue;
        Write(Context::System(), [&](WriteTx& tx) {
            // Another process (a second server starting at the same time) may have applied it since we
            // looked: writers are serialised, so checking again inside the transaction settles it.
            if (AppliedMigrations(tx).count(m.version)) return;
            ApplyMigration(tx, m);
        });
    }
}

void Store::RequireCurrentSchema() {
    std::set<int> applied = Read([](Db& db) { return AppliedMigrations(db); });
    if (applied.empty())
        throw Error::NotFound(fmt::format("{} holds no isms data (create it with: isms init --db …)", Describe()));
    RefuseNewer(Describe(), applied);
    if (read_only()) {
        std::string missing;
        for (const auto& m : Migrations())
            if (!applied.count(m.version)) missing += (missing.empty() ? "" : ", ") + std::to_string(m.version);
        if (!missing.empty())
            throw Error::Unavailable(fmt::format("{} is read-only here and was written by an older isms (it lacks "
                                                 "migration {}): open a writable copy, which this isms upgrades",
                                                 Describe(), missing));
        return;
    }
    Migrate();  // applies whatever this binary has that the database lacks; a no-op when current
}

}  // namespace isms::store
