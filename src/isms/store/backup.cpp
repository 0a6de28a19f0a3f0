#include "isms/store/backup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"
#include "isms/core/time.hpp"
#include "isms/store/schema.hpp"

namespace isms::store {

namespace {

constexpr int kFormatVersion = 1;
// Rows per multi-row INSERT: big enough to load quickly, small enough for every engine's parameter limit.
constexpr size_t kParamsPerInsert = 900;

Json ValueToJson(const Value& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return *i;
    if (auto* d = std::get_if<double>(&v)) return *d;
    if (auto* s = std::get_if<std::string>(&v)) return *s;
    return nullptr;
}

std::string ColumnList(const std::vector<std::string>& columns) {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : ", ") + QuoteIdent(c);
    return out;
}

std::vector<std::string> ColumnNames(const TableInfo& t) {
    std::vector<std::string> out;
    for (const auto& c : t.columns) out.push_back(c.name);
    return out;
}

// Loads tables into an open Write with batched multi-row INSERTs.
class Loader {
public:
    Loader(WriteTx& tx, std::vector<TableInfo> tables) : tx_(tx) {
        for (auto& t : tables) tables_.emplace(t.name, std::move(t));
    }

    void BeginTable(const std::string& name, const std::vector<std::string>& columns) {
        Flush();
        auto it = tables_.find(name);
        if (it == tables_.end())
            throw Error::InvalidInput(fmt::format("table '{}' does not exist in this schema", name));
        for (const auto& c : columns)
            if (!it->second.HasColumn(c))
                throw Error::InvalidInput(fmt::format("table '{}' has no column '{}' in this schema", name, c));
        if (std::set<std::string>(columns.begin(), columns.end()).size() != columns.size())
            throw Error::InvalidInput(fmt::format("table '{}' lists a column twice", name));
        table_ = name;
        columns_ = columns;
        per_insert_ = std::max<size_t>(1, kParamsPerInsert / std::max<size_t>(1, columns.size()));
        ++tables_loaded_;
    }

    void AddRow(std::vector<Value> values) {
        if (table_.empty()) throw Error::InvalidInput("a row comes before any table");
        if (values.size() != columns_.size())
            throw Error::InvalidInput(fmt::format("a row of table '{}' has {} values for {} columns", table_,
                                                  values.size(), columns_.size()));
        for (auto& v : values) pending_.push_back(std::move(v));
        if (++pending_rows_ == per_insert_) Flush();
        ++rows_;
    }

    void Flush() {
        if (pending_rows_ == 0) return;
        std::string placeholders = "(";
        for (size_t i = 0; i < columns_.size(); ++i) placeholders += i ? ", ?" : "?";
        placeholders += ")";
        std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", QuoteIdent(table_), ColumnList(columns_));
        for (size_t r = 0; r < pending_rows_; ++r) sql += (r ? ", " : "") + placeholders;
        tx_.Exec(sql, pending_);
        pending_.clear();
        pending_rows_ = 0;
    }

    int64_t rows() const { return rows_; }
    int64_t tables() const { return tables_loaded_; }

private:
    WriteTx& tx_;
    std::map<std::string, TableInfo> tables_;
    std::string table_;
    std::vector<std::string> columns_;
    size_t per_insert_ = 1;
    Params pending_;
    size_t pending_rows_ = 0;
    int64_t rows_ = 0;
    int64_t tables_loaded_ = 0;
};

// What a backup (or a live source) says about itself before its tables.
struct Header {
    std::set<int> migrations;
    std::string source;
};

int MaxVersion(const std::set<int>& s) { return s.empty() ? 0 : *s.rbegin(); }

void CheckMigrationsKnown(const std::set<int>& migrations, const std::string& what) {
    std::set<int> known;
    for (const auto& m : Store::Migrations()) known.insert(m.version);
    for (int v : migrations)
        if (!known.count(v))
            throw Error::Conflict(fmt::format("{} has schema version {} (migration {} unknown here) but this isms "
                                              "understands up to {}: upgrade isms to load it",
                                              what, MaxVersion(migrations), v, Store::BinarySchemaVersion()));
}

// Empties (with force) or checks the target, inside the restore's transaction.
void PrepareTarget(WriteTx& tx, const std::string& describe, bool force) {
    auto existing = ListTables(tx);
    if (existing.empty()) return;
    bool isms = std::any_of(existing.begin(), existing.end(), [](const TableInfo& t) { return t.name == "schema_version"; });
    if (!isms) {
        std::string names;
        for (size_t i = 0; i < existing.size() && i < 5; ++i) names += (i ? ", " : "") + existing[i].name;
        throw Error::Conflict(fmt::format("{} holds tables that isms did not create ({}); restore into an empty "
                                          "database",
                                          describe, names));
    }
    if (!force) {
        int64_t orgs = 0, entries = 0;
        if (TableExists(tx, "organisations")) orgs = tx.QueryOne("SELECT COUNT(*) FROM organisations")->Int(0);
        if (TableExists(tx, "change_log")) entries = tx.QueryOne("SELECT COUNT(*) FROM change_log")->Int(0);
        throw Error::Conflict(fmt::format("{} is not empty ({} organisation(s), {} change-log entries); restore into "
                                          "an empty database, or pass --force to replace everything in it",
                                          describe, orgs, entries));
    }
    if (tx.dialect() == Dialect::kSqlite) {
        tx.Exec("PRAGMA defer_foreign_keys = ON");
        for (const auto& t : existing) tx.Exec("DROP TABLE " + QuoteIdent(t.name));
    } else {
        for (const auto& t : existing) tx.Exec("DROP TABLE IF EXISTS " + QuoteIdent(t.name) + " CASCADE");
    }
}

using Producer = std::function<void(Loader&)>;

LoadReport LoadInto(Store& target, const Header& header, const LoadOptions& options, const Producer& produce) {
    CheckMigrationsKnown(header.migrations, header.source.empty() ? "the backup" : header.source);
    if (header.migrations.empty()) throw Error::InvalidInput("the backup holds no schema (no migrations recorded)");
    LoadReport report;
    target.Write(Context::System(), [&](WriteTx& tx) {
        PrepareTarget(tx, target.Describe(), options.force);
        // The schema exactly as the source had it, so that its rows fit.
        for (const auto& m : Store::Migrations())
            if (header.migrations.count(m.version)) ApplyMigration(tx, m);
        auto tables = ListTables(tx);
        ForeignKeySuspension fks;
        fks.Suspend(tx);
        // The migrations wrote rows of their own (schema_version, change log, reference data): the backup
        // replaces them all.
        for (const auto& t : tables) tx.Exec("DELETE FROM " + QuoteIdent(t.name));
        Loader loader(tx, tables);
        produce(loader);
        loader.Flush();
        fks.Restore(tx);
        report.tables = loader.tables();
        report.rows = loader.rows();
        // The loaded rows must be what the source's schema_version said.
        if (AppliedMigrations(tx) != header.migrations)
            throw Error::InvalidInput("the backup's schema_version table does not match its header");
        report.log = VerifyLog(tx);
        if (!report.log.ok && !options.accept_broken_log)
            throw Error::Conflict(fmt::format("the change log in the backup does not verify ({}); nothing was "
                                              "restored (pass --accept-broken-log to load it anyway)",
                                              report.log.problem));
        // This binary's newer migrations, on top of the restored chain.
        for (const auto& m : Store::Migrations())
            if (!header.migrations.count(m.version)) ApplyMigration(tx, m);
        report.schema_version = MaxVersion(AppliedMigrations(tx));
    });
    return report;
}

// Reads a portable backup line by line, checking its structure and checksum.
class BackupReader {
public:
    explicit BackupReader(std::istream& in) : in_(in) {}

    Header ReadHeader() {
        std::string line;
        if (!Next(line)) throw Error::InvalidInput("the backup file is empty");
        Json h = Parse(line);
        if (!h.is_object() || !h.contains("isms_backup"))
            throw Error::InvalidInput("not an isms backup: line 1 is not a backup header (expected "
                                      "{\"isms_backup\":1,…}; a SQLite copy is restored by its file name)");
        if (h["isms_backup"] != kFormatVersion)
            throw Error::Conflict(fmt::format("backup format {} is not supported by this isms (it reads format {})",
                                              h["isms_backup"].dump(), kFormatVersion));
        Header out;
        if (!h.contains("migrations") || !h["migrations"].is_array())
            throw Error::InvalidInput("line 1: the header lacks the list of migrations");
        for (const auto& v : h["migrations"]) {
            if (!v.is_number_integer()) throw Error::InvalidInput("line 1: a migration version is not an integer");
            out.migrations.insert(v.get<int>());
        }
        out.source = "the backup";
        return out;
    }

    void ReadTables(Loader& loader) {
        std::string line;
        int64_t tables = 0, rows = 0;
        while (true) {
            std::string digest_before = hash_.HexDigest();
            if (!Next(line))
                throw Error::InvalidInput(fmt::format("the backup is truncated: it ends at line {} without its end "
                                                      "line; nothing was restored",
                                                      line_no_));
            Json j = Parse(line);
            try {
                if (j.is_array()) {
                    std::vector<Value> values;
                    values.reserve(j.size());
                    for (const auto& v : j) values.push_back(JsonToValue(v));
                    loader.AddRow(std::move(values));
                    ++rows;
                } else if (j.is_object() && j.contains("table")) {
                    std::vector<std::string> cols;
                    for (const auto& c : j.at("columns")) cols.push_back(c.get<std::string>());
                    loader.BeginTable(j.at("table").get<std::string>(), cols);
                    ++tables;
                } else if (j.is_object() && j.value("end", false)) {
                    if (j.value("sha256", "") != digest_before)
                        throw Error::InvalidInput("the checksum does not match: the file was changed or damaged "
                                                  "after it was written; nothing was restored");
                    if (j.value("tables", -1) != tables || j.value("rows", -1) != rows)
                        throw Error::InvalidInput(fmt::format("the end line counts {} tables and {} rows but the file "
                                                              "holds {} and {}",
                                                              j.value("tables", -1), j.value("rows", -1), tables, rows));
                    if (Next(line)) throw Error::InvalidInput("there is data after the end line");
                    return;
                } else {
                    throw Error::InvalidInput("expected a table line, a row or the end line");
                }
            } catch (const Error& e) {
                if (e.code() != ErrorCode::kInvalidInput) throw;
                throw Error::InvalidInput(fmt::format("backup line {}: {}", line_no_, e.what()),
                                          {{"", e.what(), {}, static_cast<int>(line_no_), 0}});
            } catch (const Json::exception& e) {
                throw Error::InvalidInput(fmt::format("backup line {}: {}", line_no_, e.what()),
                                          {{"", e.what(), {}, static_cast<int>(line_no_), 0}});
            }
        }
    }

private:
    bool Next(std::string& line) {
        if (!std::getline(in_, line)) {
            if (in_.bad()) throw Error::Unavailable("reading the backup failed");
            return false;
        }
        ++line_no_;
        hash_.Update(line);
        hash_.Update("\n");
        return true;
    }

    Json Parse(const std::string& line) {
        CheckJsonNesting(line, fmt::format("backup line {}", line_no_));
        try {
            return Json::parse(line);
        } catch (const Json::exception& e) {
            if (in_.eof())  // the last line lacks its newline: the file was cut short while being written
                throw Error::InvalidInput(fmt::format("the backup is truncated: its last line ({}) is incomplete; "
                                                      "nothing was restored",
                                                      line_no_),
                                          {{"", "incomplete line", {}, static_cast<int>(line_no_), 0}});
            throw Error::InvalidInput(fmt::format("backup line {} is not valid JSON: {}", line_no_, e.what()),
                                      {{"", "not valid JSON", {}, static_cast<int>(line_no_), 0}});
        }
    }

    static Value JsonToValue(const Json& v) {
        if (v.is_null()) return Value{};
        if (v.is_number_integer()) return Value(v.get<int64_t>());
        if (v.is_number_float()) return Value(v.get<double>());
        if (v.is_string()) return Value(v.get<std::string>());
        throw Error::InvalidInput("a value is not null, a number or a string");
    }

    std::istream& in_;
    int64_t line_no_ = 0;
    crypto::Sha256Stream hash_;
};

// Streams every table of a live store (inside its Read) into a loader, in portable order.
void ProduceFromStore(Db& db, Loader& loader, const std::function<bool(const TableInfo&)>& include = {},
                      const std::function<std::pair<std::string, Params>(const TableInfo&)>& filter = {}) {
    for (const auto& t : ListTables(db)) {
        if (include && !include(t)) continue;
        auto cols = ColumnNames(t);
        loader.BeginTable(t.name, cols);
        std::string where;
        Params params;
        if (filter) std::tie(where, params) = filter(t);
        db.QueryEach(fmt::format("SELECT {} FROM {}{} ORDER BY {}", ColumnList(cols), QuoteIdent(t.name), where,
                                 PortableOrderBy(db.dialect(), t)),
                     params, [&](const Row& r) {
                         std::vector<Value> values;
                         values.reserve(r.size());
                         for (size_t i = 0; i < r.size(); ++i) values.push_back(r[i]);
                         loader.AddRow(std::move(values));
                     });
    }
}

}  // namespace

ExportReport ExportStore(Store& store, std::ostream& out, const ExportOptions& options) {
    ExportReport report;
    crypto::Sha256Stream hash;
    auto emit = [&](const std::string& line) {
        out << line << '\n';
        hash.Update(line);
        hash.Update("\n");
        if (!out) throw Error::Unavailable("writing the backup failed (disk full or not writable?)");
    };
    store.Read([&](Db& db) {
        auto migrations = AppliedMigrations(db);
        if (migrations.empty()) throw Error::NotFound(fmt::format("{} holds no isms data to back up", store.Describe()));
        report.schema_version = MaxVersion(migrations);
        emit(Json{{"isms_backup", kFormatVersion},
                  {"schema_version", report.schema_version},
                  {"migrations", migrations},
                  {"source", store.Describe()},
                  {"created_at", time::NowUtc()},
                  {"producer", options.producer}}
                 .dump());
        for (const auto& t : ListTables(db)) {
            auto cols = ColumnNames(t);
            emit(Json{{"table", t.name}, {"columns", cols}}.dump());
            ++report.tables;
            int64_t n = 0;
            db.QueryEach(fmt::format("SELECT {} FROM {} ORDER BY {}", ColumnList(cols), QuoteIdent(t.name),
                                     PortableOrderBy(db.dialect(), t)),
                         {}, [&](const Row& r) {
                             Json row = Json::array();
                             for (size_t i = 0; i < r.size(); ++i) row.push_back(ValueToJson(r[i]));
                             ++n;
                             try {
                                 emit(row.dump());
                             } catch (const Json::exception&) {
                                 throw Error::InvalidInput(fmt::format("table {}, row {}: a text value is not valid "
                                                                       "UTF-8 and cannot be exported",
                                                                       t.name, n));
                             }
                         });
            report.rows += n;
        }
    });
    report.sha256 = hash.HexDigest();
    out << Json{{"end", true}, {"tables", report.tables}, {"rows", report.rows}, {"sha256", report.sha256}}.dump()
        << '\n';
    out.flush();
    if (!out) throw Error::Unavailable("writing the backup failed (disk full or not writable?)");
    return report;
}

LoadReport RestoreStore(Store& target, std::istream& in, const LoadOptions& options) {
    BackupReader reader(in);
    Header header = reader.ReadHeader();
    return LoadInto(target, header, options, [&](Loader& loader) { reader.ReadTables(loader); });
}

LoadReport CopyStore(Store& source, Store& target, const LoadOptions& options) {
    if (source.Describe() == target.Describe())
        throw Error::InvalidInput(fmt::format("the source and the target are the same store ({})", source.Describe()));
    Header header;
    header.migrations = source.Read([](Db& db) { return AppliedMigrations(db); });
    header.source = source.Describe();
    if (header.migrations.empty())
        throw Error::NotFound(fmt::format("{} holds no isms data to copy", source.Describe()));
    return LoadInto(target, header, options, [&](Loader& loader) {
        source.Read([&](Db& db) {
            if (AppliedMigrations(db) != header.migrations)
                throw Error::Conflict(fmt::format("{} was upgraded during the copy; run it again", source.Describe()));
            ProduceFromStore(db, loader);
        });
    });
}

OrganisationCopyReport CopyOrganisation(Store& source, Store& target, const std::string& org,
                                        const LoadOptions& options) {
    if (source.Describe() == target.Describe())
        throw Error::InvalidInput(fmt::format("the source and the target are the same store ({})", source.Describe()));
    auto src_migrations = source.Read([](Db& db) { return AppliedMigrations(db); });
    auto dst_migrations = target.Read([](Db& db) { return AppliedMigrations(db); });
    if (src_migrations != dst_migrations)
        throw Error::Conflict(fmt::format("{} is at schema version {} and {} at {}: open both with this isms first "
                                          "(any command upgrades a store) so that their schemas match",
                                          source.Describe(), MaxVersion(src_migrations), target.Describe(),
                                          MaxVersion(dst_migrations)));
    auto found = source.Read([&](Db& db) {
        return db.QueryOne("SELECT id, slug, name FROM organisations WHERE id = ? OR slug = ?", {V(org), V(org)});
    });
    if (!found) throw Error::NotFound(fmt::format("no organisation '{}' in {}", org, source.Describe()));
    OrganisationCopyReport report;
    report.org_id = found->Str(0);
    std::string slug = found->Str(1);
    auto source_log = VerifyLog(source);
    if (!source_log.ok && !options.accept_broken_log)
        throw Error::Conflict(fmt::format("the change log of {} does not verify ({}); nothing was copied (pass "
                                          "--accept-broken-log to copy anyway)",
                                          source.Describe(), source_log.problem));

    // Accounts are installation-wide: the organisation's members travel with it (password hashes, second factors),
    // except those the target has already (same account id). A different account under the same user name in the
    // target is a conflict the operator must settle first.
    struct Member {
        std::string id, username;
    };
    std::vector<Member> members = source.Read([&](Db& db) {
        std::vector<Member> out;
        if (!TableExists(db, "memberships")) return out;
        db.QueryEach("SELECT u.id, u.username FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = ? "
                     "ORDER BY u.id",
                     {V(report.org_id)}, [&](const Row& r) { out.push_back({r.Str(0), r.Str(1)}); });
        return out;
    });

    Context ctx = Context::System();
    target.Write(ctx, [&](WriteTx& tx) {
        if (tx.QueryOne("SELECT id FROM organisations WHERE id = ? OR slug = ?", {V(report.org_id), V(slug)}))
            throw Error::Conflict(fmt::format("{} holds the organisation '{}' already", target.Describe(), slug));
        std::vector<std::string> new_accounts;
        for (const auto& m : members) {
            auto existing = tx.QueryOne("SELECT id FROM users WHERE id = ? OR username = ?", {V(m.id), V(m.username)});
            if (!existing) {
                new_accounts.push_back(m.id);
            } else if (existing->Str(0) != m.id) {
                throw Error::Conflict(fmt::format("{} has another account named '{}' (a member of '{}'); rename or "
                                                  "remove one of them first",
                                                  target.Describe(), m.username, slug));
            }
        }
        auto tables = ListTables(tx);
        ForeignKeySuspension fks;
        fks.Suspend(tx);
        Loader loader(tx, tables);
        crypto::Sha256Stream source_hashes;
        int64_t first_source_seq = 0, last_source_seq = 0;
        source.Read([&](Db& db) {
            ProduceFromStore(
                db, loader,
                [](const TableInfo& t) {
                    if (t.name == "change_log" || t.name == "change_log_head") return false;
                    return t.name == "organisations" || t.name == "users" || t.HasColumn("org_id");
                },
                [&](const TableInfo& t) -> std::pair<std::string, Params> {
                    if (t.name == "organisations") return {" WHERE id = ?", {V(report.org_id)}};
                    if (t.name == "users") {
                        if (new_accounts.empty()) return {" WHERE 1 = 0", {}};
                        std::string in;
                        Params ids;
                        for (const auto& id : new_accounts) {
                            in += in.empty() ? "?" : ", ?";
                            ids.push_back(V(id));
                        }
                        return {" WHERE id IN (" + in + ")", ids};
                    }
                    return {" WHERE org_id = ?", {V(report.org_id)}};
                });
            loader.Flush();
            // The organisation's history, in its original order, appended to the target's chain.
            db.QueryEach(fmt::format("SELECT {} FROM change_log WHERE org_id = ? ORDER BY seq", ChangeLogColumns()),
                         {V(report.org_id)}, [&](const Row& r) {
                             ChangeEntry e = EntryFromRow(r);
                             int64_t source_seq = e.seq;
                             source_hashes.Update(e.hash);
                             source_hashes.Update("\n");
                             AppendLogEntry(tx, e);  // new seq, prev_hash and hash; the rest as it was
                             if (!first_source_seq) first_source_seq = source_seq;
                             last_source_seq = source_seq;
                             if (!report.first_seq) report.first_seq = e.seq;
                             ++report.log_entries;
                         });
        });
        fks.Restore(tx);
        report.rows = loader.rows();
        ChangeEntry marker;
        marker.org_id = report.org_id;
        marker.actor = ctx.actor;
        marker.at = time::NowUtc();
        marker.entity = "organisation";
        marker.entity_id = report.org_id;
        marker.op = "import";
        marker.after = Json{{"source", source.Describe()},
                            {"source_head_seq", source_log.head_seq},
                            {"source_head_hash", source_log.head_hash},
                            {"source_first_seq", first_source_seq},
                            {"source_last_seq", last_source_seq},
                            {"entries", report.log_entries},
                            {"source_entry_hashes_sha256", source_hashes.HexDigest()},
                            {"rows", report.rows}};
        AppendLogEntry(tx, marker);
        if (!report.first_seq) report.first_seq = marker.seq;
        report.last_seq = marker.seq;
    });
    return report;
}

bool IsSqliteFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char buf[16] = {};
    in.read(buf, sizeof buf);
    return in.gcount() == 16 && std::string(buf, 16) == std::string("SQLite format 3\0", 16);
}

}  // namespace isms::store
