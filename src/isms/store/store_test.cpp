#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "isms/core/error.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/store.hpp"
#include "isms/store/test_support.hpp"

namespace isms::store {
namespace {

class StoreTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available: " << GetParam();
        store_ = Store::Open(db_->url(), {.create = true, .pool_size = 2});
        store_->Migrate();
    }
    std::unique_ptr<testing_support::TempDatabase> db_;
    std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigrationsFromEmptyAndRerunAreIdempotent) {
    EXPECT_EQ(store_->SchemaVersion(), Store::BinarySchemaVersion());
    store_->Migrate();
    EXPECT_EQ(store_->SchemaVersion(), Store::BinarySchemaVersion());
}

TEST_P(StoreTest, WriteIsAtomicWithItsLogEntry) {
    Context ctx = Context::System();
    const int64_t migrations = VerifyLog(*store_).entries;  // one entry per applied migration
    store_->Write(ctx, [](WriteTx& tx) {
        tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme', 'now')");
        tx.Log("o1", "organisation", "o1", "create", nullptr, Json{{"name", "Acme"}});
    });
    EXPECT_THROW(store_->Write(ctx,
                               [](WriteTx& tx) {
                                   tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o2', "
                                           "'beta', 'Beta', 'now')");
                                   tx.Log("o2", "organisation", "o2", "create", nullptr, Json{{"name", "Beta"}});
                                   throw Error::InvalidInput("stop");
                               }),
                 Error);
    auto n = store_->Read([](Db& db) { return db.QueryOne("SELECT COUNT(*) FROM organisations")->Int(0); });
    EXPECT_EQ(n, 1);
    auto v = VerifyLog(*store_);
    EXPECT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.entries, migrations + 1);  // the migrations and the organisation
}

TEST_P(StoreTest, DuplicateKeyIsConflict) {
    Context ctx = Context::System();
    auto insert = [&] {
        store_->Write(ctx, [](WriteTx& tx) {
            tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme', 'now')");
        });
    };
    insert();
    try {
        insert();
        FAIL() << "expected a conflict";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kConflict);
    }
}

TEST_P(StoreTest, VerifyNamesTheFirstAlteredEntry) {
    Context ctx = Context::System();
    for (int i = 0; i < 5; ++i) {
        store_->Write(ctx, [&](WriteTx& tx) {
            tx.Log("o1", "thing", std::to_string(i), "create", nullptr, Json{{"n", i}});
        });
    }
    ASSERT_TRUE(VerifyLog(*store_).ok);
    // Alter entry 3 behind the program's back.
    store_->Write(ctx, [](WriteTx& tx) {
        tx.Exec("UPDATE change_log SET after_json = '{\"n\":99}' WHERE seq = 3");
    });
    auto v = VerifyLog(*store_);
    EXPECT_FALSE(v.ok);
    ASSERT_TRUE(v.first_broken);
    EXPECT_EQ(*v.first_broken, 3);
}

TEST_P(StoreTest, VerifyDetectsRemovedEntries) {
    Context ctx = Context::System();
    for (int i = 0; i < 4; ++i)
        store_->Write(ctx, [&](WriteTx& tx) { tx.Log("o1", "thing", std::to_string(i), "create", nullptr, i); });
    store_->Write(ctx, [](WriteTx& tx) { tx.Exec("DELETE FROM change_log WHERE seq = 2"); });
    auto v = VerifyLog(*store_);
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_broken.value_or(0), 3);
}

TEST_P(StoreTest, VerifyDetectsTruncatedTail) {
    Context ctx = Context::System();
    for (int i = 0; i < 4; ++i)
        store_->Write(ctx, [&](WriteTx& tx) { tx.Log("o1", "thing", std::to_string(i), "create", nullptr, i); });
    store_->Write(ctx, [](WriteTx& tx) { tx.Exec("DELETE FROM change_log WHERE seq = 5"); });
    EXPECT_FALSE(VerifyLog(*store_).ok);
}

TEST_P(StoreTest, ReadLogPagesBackFromTheNewestEntryWithinOneOrganisation) {
    Context ctx = Context::System();
    for (int i = 0; i < 5; ++i)
        store_->Write(ctx, [&](WriteTx& tx) {
            tx.Log("o1", "thing", std::to_string(i), "create", nullptr, i);
            tx.Log("o2", "thing", std::to_string(i), "create", nullptr, i);
        });
    auto ids = [](const std::vector<ChangeEntry>& es) {
        std::vector<std::string> out;
        for (const auto& e : es) out.push_back(e.entity_id);
        return out;
    };
    auto page1 = store_->Read([](Db& db) { return ReadLog(db, {.org_id = "o1", .limit = 2, .newest_first = true}); });
    ASSERT_EQ(page1.size(), 2u);
    EXPECT_EQ(ids(page1), (std::vector<std::string>{"4", "3"}));
    EXPECT_GT(page1[0].seq, page1[1].seq);
    for (const auto& e : page1) EXPECT_EQ(e.org_id, "o1");
    auto page2 = store_->Read([&](Db& db) {
        return ReadLog(db, {.org_id = "o1", .limit = 10, .before_seq = page1.back().seq, .newest_first = true});
    });
    EXPECT_EQ(ids(page2), (std::vector<std::string>{"2", "1", "0"}));
    // Oldest first stays the default order.
    auto oldest = store_->Read([](Db& db) { return ReadLog(db, {.org_id = "o2", .limit = 2}); });
    EXPECT_EQ(ids(oldest), (std::vector<std::string>{"0", "1"}));
}

TEST_P(StoreTest, PlaceholdersInQuotesAndCommentsAreLeftAlone) {
    auto r = store_->Read([](Db& db) {
        return *db.QueryOne("SELECT '?' AS q, \"seq\" AS s, CAST(? AS TEXT) AS p /* ? */ FROM change_log -- ?\n"
                            "WHERE seq = ?",
                            {V("x"), V(1)});
    });
    EXPECT_EQ(r.Str("q"), "?");
    EXPECT_EQ(r.Str("p"), "x");
    EXPECT_EQ(r.Int("s"), 1);
}

// The portable subset that domain modules rely on behaves the same on both engines.
TEST_P(StoreTest, PortableSqlBehavesTheSameOnBothEngines) {
    Context ctx = Context::System();
    store_->Write(ctx, [](WriteTx& tx) {
        tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme AB', 't'), "
                "('o2', 'beta', 'beta gmbh', 't')");
        // insert-or-ignore, written portably
        EXPECT_EQ(tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'X', 't') "
                          "ON CONFLICT DO NOTHING"),
                  0);
        auto ret = tx.QueryOne("UPDATE organisations SET name = ? WHERE id = ? RETURNING name", {V("Acme"), V("o1")});
        ASSERT_TRUE(ret);
        EXPECT_EQ(ret->Str(0), "Acme");
    });
    store_->Read([](Db& db) {
        // LIKE is case-sensitive on both; LOWER() … LIKE LOWER(?) is the case-insensitive search.
        EXPECT_EQ(db.QueryOne("SELECT COUNT(*) FROM organisations WHERE name LIKE ?", {V("acme%")})->Int(0), 0);
        EXPECT_EQ(db.QueryOne("SELECT COUNT(*) FROM organisations WHERE LOWER(name) LIKE LOWER(?)", {V("ACME%")})->Int(0),
                  1);
        // aggregates come back as numbers that Int() reads on both engines
        auto agg = db.QueryOne("SELECT COUNT(*), SUM(LENGTH(slug)), MAX(slug), AVG(LENGTH(slug)) FROM organisations");
        EXPECT_EQ(agg->Int(0), 2);
        EXPECT_EQ(agg->Int(1), 8);
        EXPECT_EQ(agg->Str(2), "beta");
        EXPECT_DOUBLE_EQ(agg->Real(3), 4.0);
        // optional filters with a typed NULL parameter, IN lists, LIMIT/OFFSET parameters, concatenation
        auto rows = db.Query("SELECT slug || ':' || id AS k FROM organisations WHERE (CAST(? AS TEXT) IS NULL OR "
                             "slug = ?) AND id IN (?, ?) ORDER BY slug LIMIT ? OFFSET ?",
                             {Null(), Null(), V("o1"), V("o2"), V(10), V(0)});
        ASSERT_EQ(rows.size(), 2u);
        EXPECT_EQ(rows[0].Str("k"), "acme:o1");
        // comparisons yield 0/1 integers when written as CASE
        EXPECT_EQ(db.QueryOne("SELECT CASE WHEN COUNT(*) > 1 THEN 1 ELSE 0 END FROM organisations")->Int(0), 1);
        EXPECT_TRUE(db.QueryOne("SELECT name FROM organisations WHERE id = ?", {V("o2")})->OptStr(0));
        EXPECT_FALSE(db.QueryOne("SELECT NULL AS n")->OptStr(0));
    });
}

TEST_P(StoreTest, AFailedStatementFailsItsTransactionOnBothEngines) {
    Context ctx = Context::System();
    store_->Write(ctx, [](WriteTx& tx) {
        tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme', 'now')");
    });
    try {
        store_->Write(ctx, [](WriteTx& tx) {
            tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o2', 'beta', 'Beta', 'now')");
            try {
                tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'x', 'Dup', 'now')");
            } catch (const Error& e) {
                EXPECT_EQ(e.code(), ErrorCode::kConflict);
            }
            // A SQLite-only habit: going on after a failed statement. PostgreSQL refuses; so does the store on SQLite.
            tx.Exec("UPDATE organisations SET name = 'Beta AB' WHERE id = 'o2'");
        });
        FAIL() << "expected the transaction to fail";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInternal);
        EXPECT_NE(std::string(e.what()).find("failed already"), std::string::npos) << e.what();
    }
    auto n = store_->Read([](Db& db) { return db.QueryOne("SELECT COUNT(*) FROM organisations")->Int(0); });
    EXPECT_EQ(n, 1) << "nothing of the failed write is visible";
}

TEST_P(StoreTest, ReadsCannotWrite) {
    try {
        store_->Read([](Db& db) {
            db.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme', 'now')");
        });
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInternal);
    }
}

TEST_P(StoreTest, QueryEachStreamsEveryRowInOrder) {
    Context ctx = Context::System();
    store_->Write(ctx, [](WriteTx& tx) {
        for (int i = 0; i < 5; ++i) {
            std::string sql = "INSERT INTO clauses (id, position, title, documented_information, guidance_topic) VALUES ";
            Params p;
            for (int j = 0; j < 1000; ++j) {
                sql += j ? ", (?, ?, 't', 'd', 'g')" : "(?, ?, 't', 'd', 'g')";
                int n = i * 1000 + j;
                p.push_back(V(fmt::format("c{:05}", n)));
                p.push_back(V(n));
            }
            tx.Exec(sql, p);
        }
    });
    int64_t expected = 0;
    store_->Read([&](Db& db) {
        db.QueryEach("SELECT id, position FROM clauses WHERE position >= ? ORDER BY position", {V(0)},
                     [&](const Row& r) {
                         EXPECT_EQ(r.Int("position"), expected);
                         EXPECT_EQ(r.Str(0), fmt::format("c{:05}", expected));
                         ++expected;
                     });
        // the same connection goes on working after the stream
        EXPECT_EQ(db.QueryOne("SELECT COUNT(*) FROM clauses")->Int(0), 5000);
    });
    EXPECT_EQ(expected, 5000);
}

TEST_P(StoreTest, ConcurrentMigrationsByTwoProcessesApplyEachOnce) {
    // Two servers starting at once on a fresh database: both migrate, neither fails, each migration once.
    auto fresh = testing_support::TempDatabase::Create(GetParam());
    ASSERT_TRUE(fresh);
    auto a = Store::Open(fresh->url(), {.create = true, .pool_size = 2});
    auto b = Store::Open(fresh->url(), {.create = true, .pool_size = 2});
    std::exception_ptr ea, eb;
    std::thread ta([&] {
        try {
            a->Migrate();
        } catch (...) {
            ea = std::current_exception();
        }
    });
    std::thread tb([&] {
        try {
            b->Migrate();
        } catch (...) {
            eb = std::current_exception();
        }
    });
    ta.join();
    tb.join();
    EXPECT_FALSE(ea);
    EXPECT_FALSE(eb);
    auto n = a->Read([](Db& db) { return db.QueryOne("SELECT COUNT(*) FROM schema_version")->Int(0); });
    EXPECT_EQ(n, static_cast<int64_t>(Store::Migrations().size()));
    EXPECT_TRUE(VerifyLog(*a).ok);
}

TEST_P(StoreTest, DatabaseOfNewerSchemaIsRefused) {
    store_->Write(Context::System(), [](WriteTx& tx) {
        tx.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future.sql', 'now')");
    });
    for (auto f : {+[](Store& s) { s.Migrate(); }, +[](Store& s) { s.RequireCurrentSchema(); }}) {
        try {
            f(*store_);
            FAIL() << "expected a refusal";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kConflict);
            EXPECT_NE(std::string(e.what()).find("upgrade isms"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("999"), std::string::npos) << e.what();
        }
    }
}

TEST_P(StoreTest, AWaitingRequestIsServedBeforeLaterOnesTakeTheConnectionAgain) {
    // One connection; a busy thread reads again and again while another waits for a read of its own. The
    // connection a read gives back goes to whoever waited longest: the waiting read runs after at most one more
    // of the busy thread's reads, instead of whenever it happens to win the race.
    auto one = Store::Open(db_->url(), {.pool_size = 1});
    std::atomic<int> busy_reads{0};
    std::atomic<bool> holding{false};
    std::atomic<int> reads_before_served{-1};
    std::thread busy([&] {
        for (int i = 0; i < 400 && reads_before_served < 0; ++i) {
            one->Read([&](Db& db) {
                holding = true;
                db.QueryOne("SELECT 1");
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            });
            ++busy_reads;
        }
    });
    while (!holding) std::this_thread::yield();
    const int before = busy_reads;
    one->Read([&](Db& db) {
        db.QueryOne("SELECT 1");
        reads_before_served = busy_reads - before;
    });
    busy.join();
    EXPECT_LE(reads_before_served.load(), 2) << "the waiting read was passed over " << reads_before_served << " times";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing_support::Backends()),
                         [](const auto& info) { return info.param; });

// --- PostgreSQL connections: lost, killed, refused -------------------------------------------------------

class PostgresConnectionTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = testing_support::TempDatabase::Create("postgresql");
        if (!db_) GTEST_SKIP() << "no PostgreSQL test cluster";
        store_ = Store::Open(db_->url(), {.create = true, .pool_size = 2});
        store_->Migrate();
    }
    // Terminates every server process of this database except the admin session's own.
    int TerminateBackends() {
        auto admin = Store::Open(testing_support::PostgresAdminUrl(), {.pool_size = 1});
        auto dbname = store_->Read([](Db& db) { return db.QueryOne("SELECT current_database()")->Str(0); });
        return static_cast<int>(admin->Read([&](Db& db) {
            return db.Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> "
                            "pg_backend_pid()",
                            {V(dbname)})
                .size();
        }));
    }
    std::unique_ptr<testing_support::TempDatabase> db_;
    std::unique_ptr<Store> store_;
};

TEST_F(PostgresConnectionTest, PooledConnectionsKilledByTheServerAreReplaced) {
    ASSERT_GE(TerminateBackends(), 1);
    // Every pooled connection is dead now; the next operations must reconnect, not fail.
    for (int i = 0; i < 3; ++i) {
        EXPECT_NO_THROW(store_->Read([](Db& db) { db.Query("SELECT 1"); }));
        EXPECT_NO_THROW(store_->Write(Context::System(), [&](WriteTx& tx) {
            tx.Log("o1", "thing", std::to_string(i), "create", nullptr, i);
        }));
    }
    EXPECT_TRUE(store_->Ping());
    EXPECT_TRUE(VerifyLog(*store_).ok);
}

TEST_F(PostgresConnectionTest, ConnectionLostInsideAWriteIsUnavailableAndNothingIsSaved) {
    auto admin = Store::Open(testing_support::PostgresAdminUrl(), {.pool_size = 1});
    try {
        store_->Write(Context::System(), [&](WriteTx& tx) {
            tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme', 'now')");
            int64_t pid = tx.QueryOne("SELECT pg_backend_pid()")->Int(0);
            admin->Read([&](Db& db) { db.Query("SELECT pg_terminate_backend(?)", {V(pid)}); });
            tx.Exec("UPDATE organisations SET name = 'x'");
        });
        FAIL() << "expected kUnavailable";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
        EXPECT_NE(std::string(e.what()).find("lost the connection"), std::string::npos) << e.what();
    }
    auto n = store_->Read([](Db& db) { return db.QueryOne("SELECT COUNT(*) FROM organisations")->Int(0); });
    EXPECT_EQ(n, 0);
}

TEST(StoreOpenTest, PostgresServerDownIsUnavailableAndSaysSo) {
    // Nothing listens on port 1.
    try {
        Store::Open("postgresql://isms@127.0.0.1:1/isms");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
        EXPECT_NE(std::string(e.what()).find("cannot connect to PostgreSQL at postgresql://isms@127.0.0.1:1/isms"),
                  std::string::npos)
            << e.what();
    }
}

TEST(StoreOpenTest, MissingPostgresDatabaseIsNotFound) {
    std::string admin = testing_support::PostgresAdminUrl();
    if (admin.empty()) GTEST_SKIP() << "no PostgreSQL test cluster";
    std::string url = admin.substr(0, admin.rfind('/') + 1) + "no_such_isms_db";
    try {
        Store::Open(url);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNotFound) << e.what();
        EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
    }
}

TEST(StoreOpenTest, PasswordIsNotShownInDescriptions) {
    try {
        Store::Open("postgresql://isms:s3cret@127.0.0.1:1/isms?sslmode=disable");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
    }
}

TEST(StoreOpenTest, MalformedPostgresUrlIsInvalidInput) {
    for (const char* url : {"postgresql://isms@host:notaport/db", "postgresql://isms@[::1/db"}) {
        try {
            Store::Open(url);
            FAIL() << url;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kInvalidInput) << url;
        }
    }
}

TEST(StoreOpenTest, MissingFileIsNotFoundAndNotCreated) {
    auto path = std::filesystem::temp_directory_path() / "isms-missing-test.db";
    std::filesystem::remove(path);
    try {
        Store::Open(path.string());
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(StoreOpenTest, CorruptFileIsUnavailableWithClearMessage) {
    auto path = std::filesystem::temp_directory_path() / "isms-corrupt-test.db";
    {
        std::ofstream(path) << "this is not a database, just text that is long enough to look like a header......";
    }
    try {
        auto s = Store::Open(path.string());
        s->SchemaVersion();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
        EXPECT_NE(std::string(e.what()).find("not"), std::string::npos) << e.what();
    }
    std::filesystem::remove(path);
}

TEST(StoreOpenTest, UnknownUrlSchemeIsInvalidInput) {
    try {
        Store::Open("mysql://x@y/z");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    }
}

}  // namespace
}  // namespace isms::store
