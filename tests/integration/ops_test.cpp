// Operations with the real binary: backup, restore and migrate across engines on the demo data; a
// PostgreSQL server that goes away and comes back under a running `isms serve`; wrong connection strings;
// graceful shutdown with a request in flight; JSON logs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "isms/core/crypto.hpp"
#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kExitInvalid = 3, kExitNotFound = 4, kExitConflict = 5, kExitUnavailable = 8;

// The table sections of a portable backup: everything between the header line and the end line.
std::string Tables(const std::string& backup) {
    auto first = backup.find('\n');
    auto last = backup.rfind('\n', backup.size() - 2);
    if (first == std::string::npos || last == std::string::npos || last <= first) return "";
    return backup.substr(first + 1, last - first);
}

// A temporary folder, removed at the end.
struct TempDir {
    std::string path;
    TempDir() {
        path = (fs::temp_directory_path() / ("isms-ops-" + crypto::RandomHex(4))).string();
        fs::create_directories(path);
        fs::permissions(path, fs::perms::all);  // the PostgreSQL test user writes here too
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

struct BackendPair {
    std::string from, to;
};
void PrintTo(const BackendPair& p, std::ostream* os) { *os << p.from << " → " << p.to; }

class BackupCliTest : public ::testing::TestWithParam<BackendPair> {};

// The demo organisation (every module's data) backed up on one engine and restored on another: the same
// tables byte for byte and the same change-log head.
TEST_P(BackupCliTest, DemoStoreRestoresIdenticallyOnTheOtherEngine) {
    auto src = TestStore::Create(GetParam().from);
    auto dst = TestStore::Create(GetParam().to);
    if (!src || !dst) GTEST_SKIP() << "backend not available";
    ASSERT_EQ(src->Isms({"demo"}).exit_code, 0);
    TempDir dir;
    std::string file = dir.path + "/demo.jsonl";
    auto b = src->Isms({"backup", "-o", file, "--format", "jsonl"});
    ASSERT_EQ(b.exit_code, 0) << b;
    auto r = dst->Isms({"restore", file});
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_NE(r.out.find("change log OK"), std::string::npos) << r;

    std::string again = dir.path + "/again.jsonl";
    ASSERT_EQ(dst->Isms({"backup", "-o", again, "--format", "jsonl"}).exit_code, 0);
    std::string original = ReadFile(file);
    EXPECT_GT(std::count(original.begin(), original.end(), '\n'), 20);
    EXPECT_EQ(Tables(ReadFile(again)), Tables(original));

    auto v1 = src->Isms({"--format", "json", "log", "verify"});
    auto v2 = dst->Isms({"--format", "json", "log", "verify"});
    ASSERT_EQ(v1.exit_code, 0) << v1;
    ASSERT_EQ(v2.exit_code, 0) << v2;
    EXPECT_EQ(Json::parse(v1.out)["head_hash"], Json::parse(v2.out)["head_hash"]);

    // A second restore into the now full store is refused and changes nothing.
    auto twice = dst->Isms({"restore", file});
    EXPECT_EQ(twice.exit_code, kExitConflict) << twice;
    EXPECT_NE(twice.err.find("--force"), std::string::npos) << twice;
}

TEST_P(BackupCliTest, MigrateCopiesTheWholeStore) {
    auto src = TestStore::Create(GetParam().from);
    auto dst = TestStore::Create(GetParam().to);
    if (!src || !dst) GTEST_SKIP() << "backend not available";
    ASSERT_EQ(src->Isms({"demo"}).exit_code, 0);
    auto m = src->Isms({"migrate", "--to", dst->url()});
    ASSERT_EQ(m.exit_code, 0) << m;
    TempDir dir;
    ASSERT_EQ(src->Isms({"backup", "-o", dir.path + "/a.jsonl", "--format", "jsonl"}).exit_code, 0);
    ASSERT_EQ(dst->Isms({"backup", "-o", dir.path + "/b.jsonl", "--format", "jsonl"}).exit_code, 0);
    EXPECT_EQ(Tables(ReadFile(dir.path + "/b.jsonl")), Tables(ReadFile(dir.path + "/a.jsonl")));
}

TEST_P(BackupCliTest, MigrateOneOrganisationIntoAStoreThatServesAnother) {
    auto src = TestStore::Create(GetParam().from);
    auto dst = TestStore::Create(GetParam().to);
    if (!src || !dst) GTEST_SKIP() << "backend not available";
    ASSERT_EQ(src->Isms({"demo"}).exit_code, 0);
    ASSERT_EQ(src->Isms({"org", "add", "Beta Konsult AB"}).exit_code, 0);
    ASSERT_EQ(dst->Isms({"init", "--org", "Gamma AB"}).exit_code, 0);
    auto m = src->Isms({"migrate", "--to", dst->url(), "--org", "kvarnberg"});
    ASSERT_EQ(m.exit_code, 0) << m;
    auto list = dst->Isms({"--format", "json", "org", "list"});
    ASSERT_EQ(list.exit_code, 0) << list;
    std::string slugs;
    for (const auto& o : Json::parse(list.out)) slugs += o.value("slug", "") + " ";
    EXPECT_NE(slugs.find("kvarnberg"), std::string::npos) << slugs;
    EXPECT_NE(slugs.find("gamma-ab"), std::string::npos) << slugs;
    EXPECT_EQ(slugs.find("beta-konsult-ab"), std::string::npos) << slugs;
    auto v = dst->Isms({"log", "verify"});
    EXPECT_EQ(v.exit_code, 0) << v;
    // The organisation's history arrived, ending with the import entry.
    auto log = dst->Isms({"--org", "kvarnberg", "--format", "json", "log", "show", "--limit", "100000"});
    ASSERT_EQ(log.exit_code, 0) << log;
    auto entries = Json::parse(log.out);
    ASSERT_GE(entries.size(), 2u);
    EXPECT_EQ(entries.back()["op"], "import");
}

std::vector<BackendPair> Pairs() {
    std::vector<BackendPair> out;
    for (const auto& a : store::testing_support::Backends())
        for (const auto& b : store::testing_support::Backends()) out.push_back({a, b});
    return out;
}
INSTANTIATE_TEST_SUITE_P(Engines, BackupCliTest, ::testing::ValuesIn(Pairs()),
                         [](const auto& info) { return info.param.from + "_to_" + info.param.to; });

TEST(BackupCliSqliteTest, TheDefaultSqliteBackupIsADatabaseThatRestores) {
    auto src = TestStore::Create("sqlite");
    auto dst = TestStore::Create("sqlite");
    ASSERT_EQ(src->Isms({"demo"}).exit_code, 0);
    TempDir dir;
    std::string copy = dir.path + "/copy.db";
    auto b = src->Isms({"backup", "-o", copy});
    ASSERT_EQ(b.exit_code, 0) << b;
    // The copy is itself a store.
    auto v = RunIsms({"--db", copy, "log", "verify"});
    EXPECT_EQ(v.exit_code, 0) << v;
    auto r = dst->Isms({"restore", copy});
    ASSERT_EQ(r.exit_code, 0) << r;
    auto a = src->Isms({"--format", "json", "log", "verify"}), c = dst->Isms({"--format", "json", "log", "verify"});
    EXPECT_EQ(Json::parse(a.out)["head_hash"], Json::parse(c.out)["head_hash"]);
}

TEST(BackupCliSqliteTest, ADamagedBackupIsRefusedNamingTheProblem) {
    auto src = TestStore::Create("sqlite");
    auto dst = TestStore::Create("sqlite");
    ASSERT_EQ(src->Isms({"demo"}).exit_code, 0);
    TempDir dir;
    std::string file = dir.path + "/b.jsonl";
    ASSERT_EQ(src->Isms({"backup", "-o", file, "--format", "jsonl"}).exit_code, 0);
    std::string text = ReadFile(file);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text.substr(0, text.size() * 2 / 3);
    auto r = dst->Isms({"restore", file});
    EXPECT_EQ(r.exit_code, kExitInvalid) << r;
    EXPECT_NE(r.err.find("truncated"), std::string::npos) << r;
    auto list = dst->Isms({"org", "list"});
    EXPECT_EQ(list.exit_code, kExitNotFound) << "nothing was restored: " << list;
}

// A backup kept read-only (or owned by another user) is verified without write permission: the file is opened
// read-only, not reported as corrupt, and a write is refused saying why.
TEST(BackupCliSqliteTest, AReadOnlyCopyIsVerifiedWithoutWritePermission) {
    auto src = TestStore::Create("sqlite");
    ASSERT_EQ(src->Isms({"demo"}).exit_code, 0);
    auto original = src->Isms({"--format", "json", "log", "verify"});
    ASSERT_EQ(original.exit_code, 0) << original;
    TempDir dir;
    std::string backup = dir.path + "/backup.db", copy = dir.path + "/copy.db";
    ASSERT_EQ(src->Isms({"backup", "-o", backup}).exit_code, 0);
    fs::copy_file(src->sqlite_path(), copy);  // a plain copy of the live file (WAL mode, not a backup)
    const auto read_only = fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
    for (const std::string& file : {backup, copy}) {
        SCOPED_TRACE(file);
        fs::permissions(file, read_only);
        // As root the child runs as "nobody", for whom the file is not writable either way.
        auto v = RunIsms({"--db", file, "--format", "json", "log", "verify"}, {.unprivileged = true});
        ASSERT_EQ(v.exit_code, 0) << v;
        EXPECT_EQ(Json::parse(v.out)["head_hash"], Json::parse(original.out)["head_hash"]);
        auto list = RunIsms({"--db", file, "--format", "json", "org", "list"}, {.unprivileged = true});
        ASSERT_EQ(list.exit_code, 0) << list;
        EXPECT_NE(list.out.find("kvarnberg"), std::string::npos) << list;
        auto write = RunIsms({"--db", file, "org", "add", "Beta Konsult AB"}, {.unprivileged = true});
        EXPECT_EQ(write.exit_code, kExitUnavailable) << write;
        EXPECT_NE(write.err.find("not writable"), std::string::npos) << write;
        EXPECT_EQ(write.err.find("corrupt"), std::string::npos) << write;
    }
    auto after = RunIsms({"--db", backup, "--format", "json", "log", "verify"});
    ASSERT_EQ(after.exit_code, 0) << after;
    EXPECT_EQ(Json::parse(after.out)["head_hash"], Json::parse(original.out)["head_hash"]) << "nothing was written";
}

// --- a disk that fills during a write -------------------------------------------------------------------

// A SQLite store on a small file system that fills up in the middle of a write (a 1 MiB attachment with 256 KiB
// left): the write is refused as "the disk is full; nothing was written" (exit 8), nothing of it is visible
// afterwards, the change log verifies, and once there is room again the same write succeeds. The file system
// is a real tmpfs of 2 MiB, so this needs the right to mount (root, as on CI). PostgreSQL: the next test.
TEST(DiskFullTest, AWriteThatFillsTheDiskIsRefusedAndLeavesNothingBehind) {
    if (::getuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root (CI runs as root)";
    TempDir dir;
    std::string disk = dir.path + "/disk";
    fs::create_directory(disk);
    if (::mount("tmpfs", disk.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=2m,mode=0755") != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << "), e.g. a container without "
                     << "CAP_SYS_ADMIN";
    struct Unmount {
        std::string path;
        ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
    } unmount{disk};

    // A store on the small disk with a document to attach files to.
    auto src = TestStore::Create("sqlite");
    ASSERT_EQ(src->Isms({"init", "--org", "Acme AB"}).exit_code, 0);
    std::string db = disk + "/isms.db";
    ASSERT_EQ(src->Isms({"backup", "-o", db}).exit_code, 0);
    auto isms = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--db", db});
        return RunIsms(args);
    };
    ASSERT_EQ(isms({"record", "add", "person", "--set", "name=Anna", "--set", "email=anna@acme.example"}).exit_code, 0);
    auto doc = isms({"record", "add", "document", "--set", "identifier=POL-1", "--set", "title=Policy", "--set",
                     "kind=policy", "--set", "owner=PER-1"});
    ASSERT_EQ(doc.exit_code, 0) << doc;
    auto shown = [&] { return Json::parse(isms({"--format", "json", "record", "show", "document", "DOC-1"}).out); };
    const Json before = shown();
    const int64_t head = Json::parse(isms({"--format", "json", "log", "verify"}).out)["head_seq"];

    std::string attachment = dir.path + "/scan.bin";
    std::ofstream(attachment, std::ios::binary) << crypto::RandomHex(512 * 1024);  // 1 MiB that does not compress
    // Fill the disk up to 256 KiB.
    struct statvfs st {};
    ASSERT_EQ(::statvfs(disk.c_str(), &st), 0);
    int64_t free_bytes = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
    ASSERT_GT(free_bytes, 256 * 1024) << "the store itself does not fit";
    std::string filler = disk + "/filler";
    std::ofstream(filler, std::ios::binary) << std::string(static_cast<size_t>(free_bytes - 256 * 1024), 'x');
    ASSERT_EQ(::statvfs(disk.c_str(), &st), 0);
    ASSERT_LT(static_cast<int64_t>(st.f_bavail * st.f_frsize), 300 * 1024);

    auto full = isms({"record", "attach", "document", "DOC-1", attachment});
    EXPECT_EQ(full.exit_code, kExitUnavailable) << full;
    EXPECT_NE(full.err.find("the disk is full; nothing was written"), std::string::npos) << full;
    EXPECT_EQ(full.err.find("internal"), std::string::npos) << full;

    // Nothing of it is visible: the same record, no attachment, no log entry, an intact chain — read while the
    // disk is still full.
    EXPECT_EQ(shown(), before);
    auto list = isms({"--format", "json", "record", "attachment", "document", "DOC-1"});
    ASSERT_EQ(list.exit_code, 0) << list;
    EXPECT_EQ(Json::parse(list.out).size(), 0u) << list;
    auto verify = isms({"--format", "json", "log", "verify"});
    ASSERT_EQ(verify.exit_code, 0) << verify;
    EXPECT_EQ(Json::parse(verify.out)["head_seq"], head);

    // With room again, the same write goes through.
    fs::remove(filler);
    auto ok = isms({"record", "attach", "document", "DOC-1", attachment});
    EXPECT_EQ(ok.exit_code, 0) << ok;
    EXPECT_EQ(Json::parse(isms({"--format", "json", "record", "attachment", "document", "DOC-1"}).out).size(), 1u);
    EXPECT_EQ(isms({"log", "verify"}).exit_code, 0);
}

// The same on PostgreSQL: the attachments table is moved to a tablespace on a real 2 MiB tmpfs (owned by the
// cluster's user), the rest of the database and the server's WAL stay on the large disk, so the server keeps
// running and fails the statement with SQLSTATE 53100. The write is refused as "the database server's disk is
// full; nothing was written" (exit 8), nothing of it is visible, the change log verifies, and with room again
// the same write succeeds. (A server whose WAL disk fills stops itself: that is PostgresOutageTest's case.)
TEST(DiskFullTest, APostgresWriteThatFillsTheServersDiskIsRefusedAndLeavesNothingBehind) {
    if (store::testing_support::PostgresAdminUrl().empty()) GTEST_SKIP() << "PostgreSQL not available";
    if (::getuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root (CI runs as root)";
    TempDir state, dir;
    std::string cluster = std::string(ISMS_SOURCE_DIR) + "/tests/pg/cluster.sh";
    auto start = RunProgram(cluster, {"start", state.path}, {.timeout = 120s});
    ASSERT_EQ(start.exit_code, 0) << start;
    struct Stop {
        std::string cluster, state;
        ~Stop() { RunProgram(cluster, {"stop", state}); }
    } stop{cluster, state.path};
    const passwd* pg = ::getpwnam("isms-pg");  // the cluster's user when run as root (tests/pg/cluster.sh)
    ASSERT_NE(pg, nullptr);
    std::string disk = dir.path + "/disk";
    fs::create_directory(disk);
    std::string options = "size=2m,mode=0700,uid=" + std::to_string(pg->pw_uid) + ",gid=" + std::to_string(pg->pw_gid);
    if (::mount("tmpfs", disk.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << ")";
    struct Unmount {
        std::string path;
        ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
    } unmount{disk};
    ::chmod(dir.path.c_str(), 0755);  // the server must reach the mount point

    std::string admin = ReadFile(state.path + "/url");
    admin = admin.substr(0, admin.find('\n'));
    std::string url = admin.substr(0, admin.rfind('/') + 1) + "isms";
    auto psql = [&](const std::string& target, const std::string& sql) {
        return RunProgram("psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", target, "-c", sql});
    };
    ASSERT_EQ(psql(admin, "CREATE DATABASE isms").exit_code, 0);
    auto isms = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--db", url});
        return RunIsms(args);
    };
    ASSERT_EQ(isms({"init", "--org", "Acme AB"}).exit_code, 0);
    auto moved = psql(admin, "CREATE TABLESPACE small LOCATION '" + disk + "'");
    ASSERT_EQ(moved.exit_code, 0) << moved;
    moved = psql(url, "ALTER TABLE attachments SET TABLESPACE small");
    ASSERT_EQ(moved.exit_code, 0) << moved;
    ASSERT_EQ(isms({"record", "add", "person", "--set", "name=Anna", "--set", "email=anna@acme.example"}).exit_code, 0);
    auto doc = isms({"record", "add", "document", "--set", "identifier=POL-1", "--set", "title=Policy", "--set",
                     "kind=policy", "--set", "owner=PER-1"});
    ASSERT_EQ(doc.exit_code, 0) << doc;
    auto shown = [&] { return Json::parse(isms({"--format", "json", "record", "show", "document", "DOC-1"}).out); };
    const Json before = shown();
    const int64_t head = Json::parse(isms({"--format", "json", "log", "verify"}).out)["head_seq"];

    std::string attachment = dir.path + "/scan.bin";
    std::ofstream(attachment, std::ios::binary) << crypto::RandomHex(512 * 1024);  // 1 MiB that does not compress
    struct statvfs st {};
    ASSERT_EQ(::statvfs(disk.c_str(), &st), 0);
    int64_t free_bytes = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
    ASSERT_GT(free_bytes, 256 * 1024);
    std::string filler = disk + "/filler";
    std::ofstream(filler, std::ios::binary) << std::string(static_cast<size_t>(free_bytes - 256 * 1024), 'x');

    auto full = isms({"record", "attach", "document", "DOC-1", attachment});
    EXPECT_EQ(full.exit_code, kExitUnavailable) << full;
    EXPECT_NE(full.err.find("the database server's disk is full; nothing was written"), std::string::npos) << full;
    EXPECT_EQ(full.err.find("internal"), std::string::npos) << full;

    // Nothing of it is visible, read while the disk is still full; the server still answers.
    EXPECT_EQ(shown(), before);
    auto list = isms({"--format", "json", "record", "attachment", "document", "DOC-1"});
    ASSERT_EQ(list.exit_code, 0) << list;
    EXPECT_EQ(Json::parse(list.out).size(), 0u) << list;
    auto verify = isms({"--format", "json", "log", "verify"});
    ASSERT_EQ(verify.exit_code, 0) << verify;
    EXPECT_EQ(Json::parse(verify.out)["head_seq"], head);

    fs::remove(filler);
    auto ok = isms({"record", "attach", "document", "DOC-1", attachment});
    EXPECT_EQ(ok.exit_code, 0) << ok;
    EXPECT_EQ(Json::parse(isms({"--format", "json", "record", "attachment", "document", "DOC-1"}).out).size(), 1u);
    EXPECT_EQ(isms({"log", "verify"}).exit_code, 0);
    // The database must leave the small disk before it is unmounted and the cluster removed.
    psql(url, "ALTER TABLE attachments SET TABLESPACE pg_default");
}

// --- wrong connection strings and a server that is down ------------------------------------------------

TEST(ConnectionStringTest, WrongOrUnreachableDatabasesAreClearErrors) {
    struct Case {
        std::string url;
        int exit;
        std::string words;
    };
    for (const Case& c : std::vector<Case>{
             {"mysql://isms@localhost/isms", kExitInvalid, "unsupported database URL"},
             {"postgresql://isms@localhost:port/isms", kExitInvalid, "not a number"},
             {"postgresql://isms@127.0.0.1:1/isms", kExitUnavailable, "cannot connect to PostgreSQL at "
                                                                      "postgresql://isms@127.0.0.1:1/isms"},
             {"postgresql://isms:secret@127.0.0.1:1/isms", kExitUnavailable, "isms:***@"},
         }) {
        auto r = RunIsms({"--db", c.url, "org", "list"}, {.timeout = 20s});
        EXPECT_EQ(r.exit_code, c.exit) << c.url << ": " << r;
        EXPECT_NE(r.err.find(c.words), std::string::npos) << c.url << ": " << r;
        EXPECT_EQ(r.err.find("secret"), std::string::npos) << "the password is never printed: " << r;
    }
}

// A PostgreSQL server that stops under a running `isms serve` and starts again: health says 503 at once,
// requests fail cleanly meanwhile, and the server recovers by itself.
TEST(PostgresOutageTest, ServerGoesAwayAndComesBack) {
    if (store::testing_support::PostgresAdminUrl().empty()) GTEST_SKIP() << "PostgreSQL not available";
    TempDir state;
    std::string cluster = std::string(ISMS_SOURCE_DIR) + "/tests/pg/cluster.sh";
    auto start = RunProgram(cluster, {"start", state.path}, {.timeout = 120s});
    ASSERT_EQ(start.exit_code, 0) << start;
    struct Stop {
        std::string cluster, state;
        ~Stop() { RunProgram(cluster, {"stop", state}); }
    } stop{cluster, state.path};
    std::string admin = ReadFile(state.path + "/url");
    admin = admin.substr(0, admin.find('\n'));
    auto created = RunProgram("psql", {"-X", "-q", admin, "-c", "CREATE DATABASE isms"});
    ASSERT_EQ(created.exit_code, 0) << created;
    std::string url = admin.substr(0, admin.rfind('/') + 1) + "isms";
    ASSERT_EQ(RunIsms({"--db", url, "init", "--org", "Acme AB"}).exit_code, 0);
    auto token = RunIsms({"--db", url, "--org", "acme-ab", "--quiet", "token", "create", "--name", "ops", "--role",
                          "viewer"});
    ASSERT_EQ(token.exit_code, 0) << token;
    std::string secret = token.out.substr(0, token.out.find('\n'));
    auto server = ServerProcess::Start(url);
    server->http().SetDefaultHeader("Authorization", "Bearer " + secret);
    ASSERT_EQ(server->http().Get("/api/v1/health").status, 200);

    auto paused = RunProgram(cluster, {"pause", state.path}, {.timeout = 60s});
    ASSERT_EQ(paused.exit_code, 0) << paused;
    auto t0 = std::chrono::steady_clock::now();
    auto down = server->http().Get("/api/v1/health");
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(down.status, 503) << down;
    EXPECT_LT(took, 6s) << "a load balancer's health check must not time out";
    auto orgs = server->http().Get("/api/v1/organisations");
    EXPECT_EQ(orgs.status, 503) << orgs;
    EXPECT_EQ(orgs.Header("Content-Type"), "application/problem+json") << orgs;

    auto resumed = RunProgram(cluster, {"resume", state.path}, {.timeout = 60s});
    ASSERT_EQ(resumed.exit_code, 0) << resumed;
    auto up = server->http().Get("/api/v1/health");
    EXPECT_EQ(up.status, 200) << up;
    auto again = server->http().Get("/api/v1/organisations");
    EXPECT_EQ(again.status, 200) << again;
    EXPECT_TRUE(server->process().Running()) << server->Output();
}

// --- graceful shutdown and logs -------------------------------------------------------------------------

class ServeOpsTest : public IntegrationTest {};

int Connect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

TEST_P(ServeOpsTest, SigtermFinishesTheRequestInFlightThenStops) {
    Init();
    auto& server = StartServer();
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    // Half a request: the server has accepted it and is reading it when the signal comes.
    std::string head = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    ASSERT_EQ(::write(fd, head.data(), head.size()), static_cast<ssize_t>(head.size()));
    std::this_thread::sleep_for(200ms);
    server.process().Signal(SIGTERM);
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(server.process().Running()) << "a request is in flight; the server waits for it";
    EXPECT_LT(Connect(server.port()), 0) << "no new connections once stopping";
    std::string rest = "X-Request-Id: in-flight-1\r\n\r\n";
    ASSERT_EQ(::write(fd, rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
    std::string response;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) response.append(buf, static_cast<size_t>(n));
    ::close(fd);
    EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
    EXPECT_NE(response.find("\"reachable\""), std::string::npos) << response;
    auto end = server.process().Wait(15s);
    ASSERT_TRUE(end) << "the server stops after the request: " << server.Output();
    EXPECT_EQ(end->exit_code, 0) << *end;
}

TEST_P(ServeOpsTest, LogsAreOneJsonObjectPerLineWithTheRequestFields) {
    Init();
    std::string token = CreateToken("acme-ab", "viewer", "ops-log");
    auto& server = StartServer();
    server.http().SetDefaultHeader("Authorization", "Bearer " + token);
    ASSERT_EQ(server.http().Get("/api/v1/organisations", {{"X-Request-Id", "ops-log-1"}}).status, 200);
    ASSERT_EQ(server.http().Get("/api/v1/no-such-route", {{"X-Request-Id", "ops-log-2"}}).status, 404);
    // A request id that would forge log content is replaced.
    auto forged = server.http().Get("/api/v1/health", {{"X-Request-Id", "a\" \"level\":\"error"}});
    EXPECT_NE(forged.Header("X-Request-Id"), "a\" \"level\":\"error");
    server.Stop();
    std::istringstream err(server.process().Stderr());
    std::string line;
    int lines = 0;
    Json found1, found2;
    while (std::getline(err, line)) {
        ++lines;
        Json j = Json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
        ASSERT_TRUE(j.contains("time") && j.contains("level") && j.contains("msg")) << line;
        if (j.value("request_id", "") == "ops-log-1") found1 = j;
        if (j.value("request_id", "") == "ops-log-2") found2 = j;
    }
    EXPECT_GE(lines, 4);  // listening, requests, stopping, stopped
    ASSERT_TRUE(found1.is_object()) << server.process().Stderr();
    EXPECT_EQ(found1["msg"], "request");
    EXPECT_EQ(found1["method"], "GET");
    EXPECT_EQ(found1["path"], "/api/v1/organisations");
    EXPECT_EQ(found1["status"], 200);
    EXPECT_TRUE(found1["duration_ms"].is_number()) << found1;
    EXPECT_FALSE(found1.value("actor", "").empty()) << found1;
    EXPECT_EQ(found1.value("org", "").size(), 32u) << found1;
    ASSERT_TRUE(found2.is_object());
    EXPECT_EQ(found2["status"], 404);
}

// --- crash safety ---------------------------------------------------------------------------------------

// `isms serve` killed with SIGKILL (no cleanup, no shutdown) in the middle of a stream of writes from several
// clients: after a restart every write the server acknowledged is there, with what was acknowledged, and the
// change log is one unbroken chain. (A write in flight at the kill may or may not have been saved; it was
// never acknowledged, so either is correct.)
TEST_P(ServeOpsTest, EveryAcknowledgedWriteSurvivesSigkill) {
    Init();
    std::string token = CreateToken("acme-ab", "administrator", "crash");
    auto& server = StartServer();
    server.http().SetDefaultHeader("Authorization", "Bearer " + token);
    // A record that one client keeps updating (If-Match: each update on the version the previous one returned).
    auto counter = server.http().Post("/api/v1/records/person", {{"name", "Counter"}, {"email", "counter@acme.example"}});
    ASSERT_EQ(counter.status, 201) << counter;
    const std::string counter_id = counter.Json()["id"];

    struct Acknowledged {
        std::string id, email;
    };
    constexpr int kCreators = 3;
    std::mutex m;
    std::vector<Acknowledged> created;      // every 201 of a create
    int64_t counter_version = counter.Json()["version"];
    std::string counter_title = "";         // job_title of the last acknowledged update
    std::vector<std::string> unexpected;    // any answer other than success before the kill
    std::atomic<bool> killed{false};
    std::atomic<int> acknowledged{0};

    std::vector<std::thread> clients;
    for (int t = 0; t < kCreators; ++t) {
        clients.emplace_back([&, t, http = server.NewClient()]() mutable {
            http.SetDefaultHeader("Authorization", "Bearer " + token);
            for (int i = 0;; ++i) {
                std::string email = "w" + std::to_string(t) + "-" + std::to_string(i) + "@acme.example";
                auto r = http.Post("/api/v1/records/person", {{"name", "Writer " + email}, {"email", email}});
                std::lock_guard lock(m);
                if (r.status == 201) {
                    created.push_back({r.Json()["id"], email});
                    ++acknowledged;
                    continue;
                }
                if (!killed) unexpected.push_back("create: " + std::to_string(r.status) + " " + r.body + r.error);
                return;
            }
        });
    }
    clients.emplace_back([&, http = server.NewClient()]() mutable {
        http.SetDefaultHeader("Authorization", "Bearer " + token);
        int64_t version = counter_version;
        for (int i = 1;; ++i) {
            std::string title = "update " + std::to_string(i);
            auto r = http.Patch("/api/v1/records/person/" + counter_id, {{"job_title", title}},
                                {{"If-Match", "\"" + std::to_string(version) + "\""}});
            std::lock_guard lock(m);
            if (r.status == 200) {
                version = r.Json()["version"];
                counter_version = version;
                counter_title = title;
                ++acknowledged;
                continue;
            }
            if (!killed) unexpected.push_back("update: " + std::to_string(r.status) + " " + r.body + r.error);
            return;
        }
    });

    // Kill once a good number of writes went through, while all clients are still sending.
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (acknowledged < 80 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    {
        std::lock_guard lock(m);
        killed = true;
    }
    auto end = server.Kill();
    for (auto& c : clients) c.join();
    EXPECT_EQ(end.signal, SIGKILL) << end;
    ASSERT_TRUE(unexpected.empty()) << unexpected.front();
    ASSERT_GE(acknowledged.load(), 80) << "the writes were too slow to reach the kill";

    StopServer();
    auto& again = StartServer();
    again.http().SetDefaultHeader("Authorization", "Bearer " + token);
    int missing = 0;
    for (const auto& a : created) {
        auto r = again.http().Get("/api/v1/records/person/" + a.id);
        if (r.status != 200 || r.Json()["data"]["email"] != a.email) {
            ++missing;
            ADD_FAILURE() << "acknowledged " << a.id << " (" << a.email << ") is lost: " << r;
        }
    }
    EXPECT_EQ(missing, 0) << "of " << created.size() << " acknowledged creates";
    auto c = again.http().Get("/api/v1/records/person/" + counter_id);
    ASSERT_EQ(c.status, 200) << c;
    int64_t stored = c.Json()["version"];
    // The acknowledged update is there; at most the one in flight at the kill was saved after it.
    EXPECT_GE(stored, counter_version) << c;
    EXPECT_LE(stored, counter_version + 1) << c;
    if (stored == counter_version) {
        EXPECT_EQ(c.Json()["data"].value("job_title", ""), counter_title) << c;
    }
    auto verify = Isms({"log", "verify"});
    EXPECT_EQ(verify.exit_code, 0) << verify;
    // The store takes writes again after the crash.
    EXPECT_EQ(again.http().Post("/api/v1/records/person", {{"name", "After"}, {"email", "after@acme.example"}}).status,
              201);
}

ISMS_INSTANTIATE_BACKENDS(ServeOpsTest);

}  // namespace
}  // namespace isms::integration
