#include "isms/store/backup.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/schema.hpp"
#include "isms/store/test_support.hpp"

namespace isms::store {
namespace {

using testing_support::TempDatabase;

struct Db2 {
    std::unique_ptr<TempDatabase> db;
    std::unique_ptr<Store> store;
};

Db2 Fresh(const std::string& backend, bool migrate = true) {
    Db2 d;
    d.db = TempDatabase::Create(backend);
    if (!d.db) return d;
    d.store = Store::Open(d.db->url(), {.create = true, .pool_size = 2});
    if (migrate) d.store->Migrate();
    return d;
}

// An organisation with a little of everything the foundation schema holds, each change logged.
void AddOrganisation(Store& s, const std::string& id, const std::string& slug) {
    Context ctx = Context::System(id);
    ctx.actor = "user:" + slug;
    s.Write(ctx, [&](WriteTx& tx) {
        tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES (?, ?, ?, ?)",
                {V(id), V(slug), V("Org " + slug + " — Åsa's \"ISMS\" ✓"), V("2026-01-01T00:00:00.000Z")});
        tx.Log(id, "organisation", id, "create", nullptr, Json{{"slug", slug}});
    });
    for (int i = 0; i < 3; ++i) {
        s.Write(ctx, [&](WriteTx& tx) {
            std::string name = fmt::format("view {} of {}", i, slug);
            tx.Exec("INSERT INTO views (org_id, name, framework_id, definition_json, created_by, updated_at) VALUES "
                    "(?, ?, ?, ?, ?, ?)",
                    {V(id), V(name), V("iso27002-2022"), V(Json{{"q", "theme = 'people'"}, {"i", i}}.dump()),
                     V(ctx.actor), V("2026-01-02T00:00:00.000Z")});
            tx.Log(id, "view", name, "create", nullptr, Json{{"i", i}});
        });
    }
    s.Write(ctx, [&](WriteTx& tx) {
        tx.Exec("INSERT INTO control_overrides (org_id, framework_id, control_id, attributes_json, updated_at, "
                "updated_by) VALUES (?, 'iso27002-2022', '5.1', '{\"a\":[\"x\"]}', 'now', ?)",
                {V(id), V(ctx.actor)});
        tx.Exec("INSERT INTO frameworks (id, org_id, name, version, source, data_hash, attributes_json, loaded_at) "
                "VALUES (?, ?, 'Own framework', '1', 'import', 'h', '{}', 'now')",
                {V("own-" + slug), V(id)});
        tx.Exec("INSERT INTO controls (org_id, framework_id, id, position, parent_id, title, attributes_json, "
                "extra_json) VALUES (?, ?, 'C1', 1, NULL, 'Control one', '{}', NULL)",
                {V(id), V("own-" + slug)});
        tx.Log(id, "control_override", "5.1", "update", Json{{"a", Json::array()}}, Json{{"a", {"x"}}});
    });
}

void AddSharedData(Store& s) {
    s.Write(Context::System(), [](WriteTx& tx) {
        tx.Exec("INSERT INTO clauses (id, position, title, documented_information, guidance_topic) VALUES "
                "('4.1', 1, 'Context', 'no', 'context'), ('10.2', 20, 'Nonconformity', 'yes', 'improvement'), "
                "('9.2', 10, 'Internal audit', 'yes', 'audit')");
        tx.Log("", "clause", "all", "load", nullptr, Json{{"n", 3}});
    });
}

std::string Export(Store& s) {
    std::ostringstream out;
    ExportStore(s, out, {.producer = "test"});
    return out.str();
}

// The table sections of a backup (everything between the header and the end line).
std::string Tables(const std::string& backup) {
    auto first = backup.find('\n');
    auto last = backup.rfind('\n', backup.size() - 2);
    return backup.substr(first + 1, last - first);
}

struct Pair {
    std::string from, to;
};
void PrintTo(const Pair& p, std::ostream* os) { *os << p.from << " → " << p.to; }
std::vector<Pair> Pairs() {
    std::vector<Pair> out;
    for (const auto& a : testing_support::Backends())
        for (const auto& b : testing_support::Backends()) out.push_back({a, b});
    return out;
}

class BackupAcrossTest : public ::testing::TestWithParam<Pair> {
protected:
    void SetUp() override {
        src_ = Fresh(GetParam().from);
        dst_ = Fresh(GetParam().to, /*migrate=*/false);
        if (!src_.store || !dst_.store) GTEST_SKIP() << "backend not available";
        AddSharedData(*src_.store);
        AddOrganisation(*src_.store, "org-a", "alpha");
        AddOrganisation(*src_.store, "org-b", "beta");
    }
    Db2 src_, dst_;
};

TEST_P(BackupAcrossTest, BackupRestoresToAnIdenticalStore) {
    std::string backup = Export(*src_.store);
    std::istringstream in(backup);
    auto report = RestoreStore(*dst_.store, in);
    EXPECT_TRUE(report.log.ok) << report.log.problem;
    EXPECT_GT(report.rows, 20);
    // Every table compares equal: the restored store exports byte for byte the same tables.
    EXPECT_EQ(Tables(Export(*dst_.store)), Tables(backup));
    auto a = VerifyLog(*src_.store), b = VerifyLog(*dst_.store);
    EXPECT_TRUE(b.ok) << b.problem;
    EXPECT_EQ(a.head_hash, b.head_hash);
    EXPECT_EQ(a.entries, b.entries);
    EXPECT_EQ(dst_.store->SchemaVersion(), Store::BinarySchemaVersion());
}

TEST_P(BackupAcrossTest, CopyStoreGivesAnIdenticalStore) {
    auto report = CopyStore(*src_.store, *dst_.store);
    EXPECT_TRUE(report.log.ok);
    EXPECT_EQ(Tables(Export(*dst_.store)), Tables(Export(*src_.store)));
}

TEST_P(BackupAcrossTest, CopyOrganisationMovesItsRowsAndHistoryIntoAnotherStore) {
    dst_.store->Migrate();
    AddOrganisation(*dst_.store, "org-c", "gamma");  // the target already serves another organisation
    int64_t before = VerifyLog(*dst_.store).entries;
    std::string source_head = VerifyLog(*src_.store).head_hash;
    auto report = CopyOrganisation(*src_.store, *dst_.store, "alpha");
    EXPECT_EQ(report.org_id, "org-a");
    EXPECT_EQ(report.log_entries, 5);  // create, three views, the override
    auto v = VerifyLog(*dst_.store);
    ASSERT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.entries, before + 5 + 1);  // the entries and the import marker
    dst_.store->Read([&](Db& db) {
        auto slugs = db.Query("SELECT slug FROM organisations ORDER BY slug");
        ASSERT_EQ(slugs.size(), 2u);
        EXPECT_EQ(slugs[0].Str(0), "alpha");
        EXPECT_EQ(slugs[1].Str(0), "gamma");
        EXPECT_EQ(db.QueryOne("SELECT COUNT(*) FROM views WHERE org_id = 'org-a'")->Int(0), 3);
        EXPECT_EQ(db.QueryOne("SELECT COUNT(*) FROM views WHERE org_id = 'org-b'")->Int(0), 0);
        EXPECT_EQ(db.QueryOne("SELECT COUNT(*) FROM controls WHERE org_id = 'org-a'")->Int(0), 1);
        // history keeps who and when
        auto entries = ReadLog(db, {.org_id = "org-a", .limit = 100});
        ASSERT_EQ(entries.size(), 6u);
        EXPECT_EQ(entries[0].actor, "user:alpha");
        EXPECT_EQ(entries[0].op, "create");
        EXPECT_EQ(entries[5].op, "import");
        EXPECT_EQ(entries[5].after["entries"], 5);
        EXPECT_EQ(entries[5].after["source_head_hash"], source_head);
    });
    // the same rows as in the source, table by table
    auto rows_of = [](Store& s, const char* sql) {
        return s.Read([&](Db& db) {
            std::string out;
            for (const auto& r : db.Query(sql))
                for (size_t i = 0; i < r.size(); ++i) out += r.Str(i) + "|";
            return out;
        });
    };
    for (const char* sql : {"SELECT * FROM views WHERE org_id = 'org-a' ORDER BY name",
                            "SELECT * FROM control_overrides WHERE org_id = 'org-a'",
                            "SELECT * FROM organisations WHERE id = 'org-a'"})
        EXPECT_EQ(rows_of(*dst_.store, sql), rows_of(*src_.store, sql)) << sql;
    // and once more is a conflict, changing nothing
    EXPECT_THROW(CopyOrganisation(*src_.store, *dst_.store, "org-a"), Error);
    EXPECT_EQ(VerifyLog(*dst_.store).entries, v.entries);
}

INSTANTIATE_TEST_SUITE_P(Engines, BackupAcrossTest, ::testing::ValuesIn(Pairs()),
                         [](const auto& info) { return info.param.from + "_to_" + info.param.to; });

// A SQLite copy made with the online backup API restores into either engine.
class SqliteCopyTest : public BackupAcrossTest {};

TEST_P(SqliteCopyTest, SqliteFileCopyRestoresAnywhere) {
    auto dir = std::filesystem::temp_directory_path() / ("isms-copy-" + crypto::RandomHex(4));
    std::filesystem::create_directories(dir);
    std::string file = (dir / "backup.db").string();
    src_.store->CopyDatabaseFile(file);
    EXPECT_TRUE(IsSqliteFile(file));
    EXPECT_FALSE(std::filesystem::exists(file + "-wal"));
    {
        auto copy = Store::Open("sqlite:" + file, {.pool_size = 1, .read_only = true});
        CopyStore(*copy, *dst_.store);
    }
    EXPECT_EQ(Tables(Export(*dst_.store)), Tables(Export(*src_.store)));
    std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Engines, SqliteCopyTest,
                         ::testing::Values(Pair{"sqlite", "sqlite"}, Pair{"sqlite", "postgresql"}),
                         [](const auto& info) { return info.param.from + "_to_" + info.param.to; });

class BackupTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        src_ = Fresh(GetParam());
        dst_ = Fresh(GetParam(), false);
        if (!src_.store || !dst_.store) GTEST_SKIP() << "backend not available";
        AddOrganisation(*src_.store, "org-a", "alpha");
    }
    // A target that holds nothing: no tables at all.
    bool Empty(Store& s) {
        return s.Read([](Db& db) { return ListTables(db).empty(); });
    }
    static void ExpectCode(const std::function<void()>& f, ErrorCode code, const std::string& words) {
        try {
            f();
            FAIL() << "expected an error with: " << words;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), code) << e.what();
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    }
    // Rewrites a backup line and fixes the checksum, as a deliberate forger would.
    static std::string Reseal(std::string body_without_end) {
        Json end = {{"end", true}};
        int64_t tables = 0, rows = 0;
        std::istringstream in(body_without_end);
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) (line[0] == '[' ? rows : tables)++;
        end["tables"] = tables;
        end["rows"] = rows;
        end["sha256"] = crypto::Sha256Hex(body_without_end);
        return body_without_end + end.dump() + "\n";
    }
    Db2 src_, dst_;
};

TEST_P(BackupTest, NonEmptyTargetIsRefusedUnlessForced) {
    std::string backup = Export(*src_.store);
    dst_.store->Migrate();
    AddOrganisation(*dst_.store, "org-z", "zeta");
    std::istringstream in(backup);
    ExpectCode([&] { RestoreStore(*dst_.store, in); }, ErrorCode::kConflict, "not empty");
    EXPECT_TRUE(dst_.store->Read([](Db& db) { return db.QueryOne("SELECT id FROM organisations WHERE id = 'org-z'"); }));
    std::istringstream again(backup);
    RestoreStore(*dst_.store, again, {.force = true});
    EXPECT_EQ(Tables(Export(*dst_.store)), Tables(backup));
}

TEST_P(BackupTest, ForeignTablesAreNeverReplaced) {
    dst_.store->Write(Context::System(), [](WriteTx& tx) { tx.Exec("CREATE TABLE payroll (id TEXT)"); });
    std::istringstream in(Export(*src_.store));
    ExpectCode([&] { RestoreStore(*dst_.store, in, {.force = true}); }, ErrorCode::kConflict, "did not create");
}

TEST_P(BackupTest, DamagedOrTruncatedBackupChangesNothing) {
    std::string backup = Export(*src_.store);
    // one character changed in a row
    std::string damaged = backup;
    auto pos = damaged.find("view 1 of alpha");
    ASSERT_NE(pos, std::string::npos);
    damaged[pos] = 'V';
    std::istringstream in1(damaged);
    ExpectCode([&] { RestoreStore(*dst_.store, in1); }, ErrorCode::kInvalidInput, "checksum");
    EXPECT_TRUE(Empty(*dst_.store));
    // cut short, in the middle of a line and at the end of one
    for (size_t cut : {backup.size() / 2, backup.rfind('\n', backup.size() / 2) + 1}) {
        std::istringstream in2(backup.substr(0, cut));
        ExpectCode([&] { RestoreStore(*dst_.store, in2); }, ErrorCode::kInvalidInput, "truncated");
        EXPECT_TRUE(Empty(*dst_.store));
    }
    // not JSON at all
    std::istringstream in3("hello\n");
    ExpectCode([&] { RestoreStore(*dst_.store, in3); }, ErrorCode::kInvalidInput, "line 1");
    EXPECT_TRUE(Empty(*dst_.store));
}

TEST_P(BackupTest, RowsThatBreakForeignKeysAreRefusedAsAWhole) {
    std::string backup = Export(*src_.store);
    std::string body = backup.substr(0, backup.rfind('\n', backup.size() - 2) + 1);
    // a view of an organisation that is not in the backup
    auto pos = body.find("[\"org-a\",\"view 0 of alpha\"");
    ASSERT_NE(pos, std::string::npos);
    body.replace(pos, 8, "[\"org-x\"");
    std::istringstream in(Reseal(body));
    ExpectCode([&] { RestoreStore(*dst_.store, in); }, ErrorCode::kConflict, "refer");
    EXPECT_TRUE(Empty(*dst_.store));
}

TEST_P(BackupTest, BackupOfANewerSchemaIsRefused) {
    std::string backup = Export(*src_.store);
    Json header = Json::parse(backup.substr(0, backup.find('\n')));
    header["migrations"].push_back(999);
    header["schema_version"] = 999;
    std::string body = header.dump() + backup.substr(backup.find('\n'));
    body = body.substr(0, body.rfind('\n', body.size() - 2) + 1);
    std::istringstream in(Reseal(body));
    ExpectCode([&] { RestoreStore(*dst_.store, in); }, ErrorCode::kConflict, "upgrade isms");
    EXPECT_TRUE(Empty(*dst_.store));
}

TEST_P(BackupTest, BrokenChangeLogIsRefusedUnlessAccepted) {
    src_.store->Write(Context::System(), [](WriteTx& tx) {
        tx.Exec("UPDATE change_log SET actor = 'someone else' WHERE seq = 2");
    });
    std::string backup = Export(*src_.store);
    std::istringstream in(backup);
    ExpectCode([&] { RestoreStore(*dst_.store, in); }, ErrorCode::kConflict, "does not verify");
    EXPECT_TRUE(Empty(*dst_.store));
    std::istringstream again(backup);
    auto r = RestoreStore(*dst_.store, again, {.accept_broken_log = true});
    EXPECT_FALSE(r.log.ok);
    EXPECT_EQ(r.log.first_broken.value_or(0), 2);
}

TEST_P(BackupTest, ExportIsOneSnapshotWhileWritersGoOn) {
    // A writer appends entries while backups are taken; each backup must hold a chain whose head matches
    // its entries (the change log and its head read in one snapshot), or the restore would not verify.
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (int i = 0; !stop && i < 2000; ++i)
            src_.store->Write(Context::System("org-a"), [&](WriteTx& tx) {
                tx.Log("org-a", "thing", std::to_string(i), "create", nullptr, i);
            });
    });
    std::vector<std::string> backups;
    for (int i = 0; i < 3; ++i) backups.push_back(Export(*src_.store));
    stop = true;
    writer.join();
    for (const auto& b : backups) {
        auto target = Fresh(GetParam(), false);
        std::istringstream in(b);
        auto r = RestoreStore(*target.store, in);
        EXPECT_TRUE(r.log.ok) << r.log.problem;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupTest, ::testing::ValuesIn(testing_support::Backends()),
                         [](const auto& info) { return info.param; });

TEST(SqliteFileCopyTest, PostgresHasNoFileCopy) {
    auto d = Fresh("postgresql");
    if (!d.store) GTEST_SKIP() << "no PostgreSQL test cluster";
    try {
        d.store->CopyDatabaseFile("/tmp/never-written.db");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    }
    EXPECT_FALSE(std::filesystem::exists("/tmp/never-written.db"));
}

}  // namespace
}  // namespace isms::store
