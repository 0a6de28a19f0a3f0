// The CLI on bad ground: a missing, unwritable, corrupt or too-new database, and malformed command lines.
// Each case must give a clear message, the documented exit code (docs/cli.md), and change nothing on disk.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

namespace fs = std::filesystem;

std::string Contents(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The files of a folder with their contents: "nothing changed" means this is equal before and after.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename().string()] = Contents(e.path());
    return out;
}

constexpr int kExitUsage = 2, kExitNotFound = 4, kExitConflict = 5, kExitUnavailable = 8;

class CliErrorsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        db_ = TestStore::Create("sqlite");
        ASSERT_TRUE(db_);
        dir_ = fs::path(db_->sqlite_path()).parent_path();
    }
    // A store with one organisation, closed (no -wal/-shm files left).
    void InitStore() {
        auto r = db_->Isms({"init", "--org", "Acme AB"});
        ASSERT_EQ(r.exit_code, 0) << r;
    }
    std::unique_ptr<TestStore> db_;
    fs::path dir_;
};

TEST_F(CliErrorsTest, AMissingDatabaseIsNotFoundAndIsNotCreated) {
    auto path = (dir_ / "missing.db").string();
    for (std::vector<std::string> cmd : {std::vector<std::string>{"org", "list"}, {"log", "verify"}, {"serve"}}) {
        std::vector<std::string> args{"--db", path};
        args.insert(args.end(), cmd.begin(), cmd.end());
        auto r = RunIsms(args);
        EXPECT_EQ(r.exit_code, kExitNotFound) << r;
        EXPECT_NE(r.err.find("no database at '" + path + "'"), std::string::npos) << r;
        EXPECT_NE(r.err.find("isms init --db " + path), std::string::npos) << r;
        EXPECT_FALSE(fs::exists(path));
    }
    EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(CliErrorsTest, InitIntoAMissingFolderNamesTheFolder) {
    auto path = (dir_ / "no-such-folder" / "isms.db").string();
    auto r = RunIsms({"--db", path, "init", "--org", "Acme AB"});
    EXPECT_EQ(r.exit_code, kExitUnavailable) << r;
    EXPECT_NE(r.err.find("the folder '" + (dir_ / "no-such-folder").string() + "' does not exist"), std::string::npos)
        << r;
    EXPECT_FALSE(fs::exists(dir_ / "no-such-folder"));
}

TEST_F(CliErrorsTest, InitIntoAnUnwritableFolderFailsAndCreatesNothing) {
    auto ro = dir_ / "read-only";
    fs::create_directory(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
    auto path = (ro / "isms.db").string();
    auto r = RunIsms({"--db", path, "init", "--org", "Acme AB"}, {.unprivileged = true});
    EXPECT_EQ(r.exit_code, kExitUnavailable) << r;
    EXPECT_NE(r.err.find(path), std::string::npos) << r;
    EXPECT_EQ(r.err.find("internal"), std::string::npos) << r;
    EXPECT_TRUE(fs::is_empty(ro)) << "nothing is created";
}

TEST_F(CliErrorsTest, AnUnwritableDatabaseFileRefusesWritesAndChangesNothing) {
    InitStore();
    // The folder is the user's (SQLite may put its -wal/-shm files there); the database file is read-only.
    if (getuid() == 0) {
        ASSERT_EQ(chown(dir_.c_str(), 65534, 65534), 0);
    }
    fs::permissions(db_->sqlite_path(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    auto before = Contents(db_->sqlite_path());

    auto r = db_->Isms({"org", "add", "Beta Konsult AB"}, {.unprivileged = true});
    EXPECT_EQ(r.exit_code, kExitUnavailable) << r;
    EXPECT_NE(r.err.find("not writable"), std::string::npos) << r;
    EXPECT_EQ(r.err.find("internal"), std::string::npos) << r;

    EXPECT_EQ(Contents(db_->sqlite_path()), before) << "the database file is unchanged";
    auto list = db_->Isms({"org", "list"});
    ASSERT_EQ(list.exit_code, 0) << list;
    EXPECT_EQ(list.out.find("beta"), std::string::npos) << list;
}

TEST_F(CliErrorsTest, AReadOnlyCopyInAReadOnlyFolderAndAFolderOneMayNotEnterAreNamedAsSuch) {
    // As a user that permissions apply to (the tests run it as "nobody" when they run as root).
    InitStore();
    auto ro = dir_ / "archive";
    fs::create_directory(ro);
    fs::copy_file(db_->sqlite_path(), ro / "isms.db");
    auto copy = (ro / "isms.db").string();
    fs::permissions(copy, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    const auto rx = fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                    fs::perms::others_read | fs::perms::others_exec;
    fs::permissions(ro, rx);
    fs::permissions(dir_, rx | fs::perms::owner_write);
    auto before = Snapshot(ro);
    auto r = RunIsms({"--db", copy, "controls", "show", "5.1"}, {.unprivileged = true});
    EXPECT_EQ(r.exit_code, kExitUnavailable) << r;
    EXPECT_NE(r.err.find("WAL mode"), std::string::npos) << r;
    EXPECT_NE(r.err.find(ro.string()), std::string::npos) << r;
    EXPECT_EQ(r.err.find("readonly database"), std::string::npos) << "not SQLite's words: " << r;
    EXPECT_EQ(Snapshot(ro), before);

    auto locked = dir_ / "locked";
    fs::create_directory(locked);
    fs::copy_file(db_->sqlite_path(), locked / "isms.db");
    fs::permissions(locked, fs::perms::none);
    auto denied = RunIsms({"--db", (locked / "isms.db").string(), "controls"}, {.unprivileged = true});
    EXPECT_EQ(denied.exit_code, kExitUnavailable) << denied;
    EXPECT_NE(denied.err.find("ermission denied"), std::string::npos) << denied;
    EXPECT_EQ(denied.err.find("no database"), std::string::npos) << denied;
    fs::permissions(ro, fs::perms::owner_all);
    fs::permissions(locked, fs::perms::owner_all);
}

TEST_F(CliErrorsTest, AFileThatIsNotADatabaseIsRefusedAndLeftAsItWas) {
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919 + 13) % 251);
    std::ofstream(db_->sqlite_path(), std::ios::binary) << garbage;
    auto before = Snapshot(dir_);

    for (std::vector<std::string> cmd : {std::vector<std::string>{"org", "list"},
                                         {"org", "add", "Beta Konsult AB"},
                                         {"log", "verify"},
                                         {"init", "--org", "Acme AB"}}) {
        auto r = db_->Isms(cmd);
        EXPECT_EQ(r.exit_code, kExitUnavailable) << r;
        EXPECT_NE(r.err.find(db_->sqlite_path()), std::string::npos) << r;
        EXPECT_NE(r.err.find("not a readable isms database"), std::string::npos) << r;
        EXPECT_EQ(Snapshot(dir_), before) << "after: " << cmd[0];
    }
}

TEST_F(CliErrorsTest, ATruncatedDatabaseIsReportedAsCorruptAndLeftAsItWas) {
    InitStore();
    auto size = fs::file_size(db_->sqlite_path());
    ASSERT_GT(size, 8192u);
    fs::resize_file(db_->sqlite_path(), size / 2);
    auto before = Snapshot(dir_);

    auto r = db_->Isms({"org", "add", "Beta Konsult AB"});
    EXPECT_EQ(r.exit_code, kExitUnavailable) << r;
    EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r;
    EXPECT_EQ(Snapshot(dir_), before);
}

TEST_F(CliErrorsTest, ADatabaseFromANewerIsmsIsRefusedUntouched) {
    InitStore();
    auto bump = db_->Sql(
        "INSERT INTO schema_version (version, name, applied_at) "
        "VALUES (999, 'from the future', '2030-01-01T00:00:00Z')");
    ASSERT_EQ(bump.exit_code, 0) << bump;
    auto before = Snapshot(dir_);
    auto r = db_->Isms({"org", "add", "Beta Konsult AB"});
    EXPECT_EQ(r.exit_code, kExitConflict) << r;
    EXPECT_NE(r.err.find("schema version 999"), std::string::npos) << r;
    EXPECT_NE(r.err.find("upgrade isms"), std::string::npos) << r;
    EXPECT_EQ(Snapshot(dir_), before);
}

TEST_F(CliErrorsTest, MalformedCommandLinesAreUsageErrors) {
    InitStore();
    for (std::vector<std::string> cmd : {std::vector<std::string>{"frobnicate"},
                                         {"log"},
                                         {"org", "list", "--no-such-option"},
                                         {"serve", "--port", "not-a-number"}}) {
        auto r = db_->Isms(cmd);
        EXPECT_EQ(r.exit_code, kExitUsage) << r;
        EXPECT_FALSE(r.err.empty()) << r;
    }
    auto none = RunIsms({});
    EXPECT_EQ(none.exit_code, kExitUsage) << none;
}

// PostgreSQL: a database that does not exist, and one that exists but holds no isms data.
TEST(CliPostgresErrorsTest, AMissingOrEmptyDatabaseIsAClearError) {
    auto db = TestStore::Create("postgresql");
    if (!db) GTEST_SKIP() << "PostgreSQL not available";
    auto empty = db->Isms({"org", "list"});
    EXPECT_EQ(empty.exit_code, kExitNotFound) << empty;
    EXPECT_NE(empty.err.find("holds no isms data"), std::string::npos) << empty;
    EXPECT_NE(empty.err.find("isms init"), std::string::npos) << empty;

    std::string url = db->url();
    auto slash = url.rfind('/');
    std::string missing = url.substr(0, slash + 1) + "isms_no_such_database";
    auto r = RunIsms({"--db", missing, "org", "list"});
    EXPECT_EQ(r.exit_code, kExitNotFound) << r;  // like a missing SQLite file
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r;
    EXPECT_NE(r.err.find("isms_no_such_database"), std::string::npos) << r;
}

}  // namespace
}  // namespace isms::integration
