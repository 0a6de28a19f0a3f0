#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

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

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing_support::Backends()),
                         [](const auto& info) { return info.param; });

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
