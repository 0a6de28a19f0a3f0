// The integration-test harness: the real `isms` binary, a real database, real HTTP.
//
// Everything here runs the program the way a user does — as a separate process from build/isms — so a test
// sees exactly what a user sees: exit codes, stdout/stderr, HTTP status codes and headers.
//
//   RunProgram, RunIsms run a program to completion, capturing stdout, stderr and the exit code
//   ChildProcess        a program running in the background (killed and reaped when destroyed)
//   TestStore           a fresh database on one backend (SQLite temp file or PostgreSQL database)
//   ServerProcess       `isms serve --port 0` on a free loopback port, ready when /api/v1/health answers
//   HttpClient          JSON requests against a server; default headers for cookies, CSRF tokens, X-Isms-Org
//   IntegrationTest     a GoogleTest fixture parameterised over the backends (ISMS_INSTANTIATE_BACKENDS)
//
// No process outlives a test: every child is killed (SIGKILL) and reaped when its owner is destroyed — also
// when an assertion fails — and each child is started with PR_SET_PDEATHSIG=SIGKILL, so it also dies when
// the test process itself crashes or is killed by ctest's timeout. (The death signal follows the thread
// that started the child: start children from the test's main thread.)
//
// Typical use (see api_test.cpp):
//
//   class HealthTest : public isms::integration::IntegrationTest {};
//   TEST_P(HealthTest, ReportsTheDatabase) {
//       Init();                                  // isms init --org "Acme AB"  (or Demo())
//       auto& server = StartServer();
//       auto r = server.http().Get("/api/v1/health");
//       EXPECT_EQ(r.status, 200);
//       EXPECT_EQ(r.Json()["database"], "reachable");
//   }
//   ISMS_INSTANTIATE_BACKENDS(HealthTest);
//
// Errors: harness failures (the binary cannot be started, the server does not come up) throw
// std::runtime_error with the process's output, which GoogleTest reports as a test failure.
// Thread-safety: none; use from the test's thread.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "isms/core/json.hpp"
#include "isms/store/test_support.hpp"  // Backends(), for ISMS_INSTANTIATE_BACKENDS

namespace isms::integration {

// ---------------------------------------------------------------------------------------------------------
// Processes

struct RunOptions {
    // Added to (or replacing in) the test's environment. ISMS_DB and ISMS_ORG are removed from the inherited
    // environment so that a developer's shell settings never leak into a test; set them here when wanted.
    std::vector<std::pair<std::string, std::string>> env;
    std::string stdin_data;                    // written to the child's stdin (otherwise stdin is /dev/null)
    std::string cwd;                           // working directory ("" = the test's)
    std::chrono::milliseconds timeout{60000};  // RunProgram(): the child is killed (SIGKILL) after this long
    // When the tests run as root (containers, CI): run the child as the unprivileged user "nobody", so that
    // file permissions apply (root ignores them). Without root this changes nothing.
    bool unprivileged = false;
};

struct ProcessResult {
    int exit_code = -1;      // the exit status; -1 when killed by a signal
    int signal = 0;          // the signal that ended the child (0 = it exited)
    bool timed_out = false;  // killed by RunProgram() after RunOptions::timeout
    std::string out;         // stdout
    std::string err;         // stderr
};
// For failure messages: "exit 3; stdout: …; stderr: …".
std::ostream& operator<<(std::ostream& os, const ProcessResult& r);

// Runs `program` (found on PATH when it has no '/') with `args` (no shell) and waits for it.
ProcessResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         const RunOptions& options = {});
// The isms binary under test: $ISMS_BIN, or build/isms of this build tree.
std::string IsmsBinary();
// RunProgram(IsmsBinary(), args, options).
ProcessResult RunIsms(const std::vector<std::string>& args, const RunOptions& options = {});

// A program running in the background; stdout and stderr go to files readable while it runs.
class ChildProcess {
  public:
    // Starts the program. Throws std::runtime_error when it cannot be started.
    static std::unique_ptr<ChildProcess> Spawn(const std::string& program, const std::vector<std::string>& args,
                                               const RunOptions& options = {});
    ~ChildProcess();  // SIGKILL + reap if still running; removes the output files
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool Running();        // false once it has ended (then result() holds how)
    void Signal(int sig);  // no-op when it has ended
    // Waits up to `timeout` for the child to end; nullopt when it is still running.
    std::optional<ProcessResult> Wait(std::chrono::milliseconds timeout);
    // SIGKILL (if running) and reap; returns how it ended.
    ProcessResult Kill();
    std::string Stdout() const;  // output so far
    std::string Stderr() const;

  private:
    ChildProcess() = default;
    bool Reap(bool block);
    pid_t pid_ = -1;
    std::string dir_;  // holds stdout/stderr files
    std::optional<ProcessResult> result_;
};

// ---------------------------------------------------------------------------------------------------------
// HTTP

struct HttpResponse {
    int status = 0;                                   // 0: no HTTP response at all (see error)
    std::multimap<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::string error;  // the transport error when status == 0

    // The first header of that name ("" when absent); case-insensitive.
    std::string Header(const std::string& name) const;
    // The body parsed as JSON. Throws std::runtime_error (with the body) when it is not JSON.
    isms::Json Json() const;
};
std::ostream& operator<<(std::ostream& os, const HttpResponse& r);  // status, headers and body, for messages

class HttpClient {
  public:
    HttpClient(std::string host, int port);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;

    // Sent with every later request (e.g. "Cookie", "X-CSRF-Token", "X-Isms-Org"); "" removes it.
    void SetDefaultHeader(const std::string& name, const std::string& value);

    using Headers = std::vector<std::pair<std::string, std::string>>;
    // `path` may carry a query string; it is sent as is (percent-encode it yourself, see UrlEncode).
    HttpResponse Get(const std::string& path, const Headers& headers = {});
    HttpResponse Delete(const std::string& path, const Headers& headers = {});
    HttpResponse Post(const std::string& path, const isms::Json& body, const Headers& headers = {});
    HttpResponse Put(const std::string& path, const isms::Json& body, const Headers& headers = {});
    HttpResponse Patch(const std::string& path, const isms::Json& body, const Headers& headers = {});
    // Any method with a raw body (empty body: none is sent).
    HttpResponse Send(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::string& content_type = "application/json", const Headers& headers = {});

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Signs `client` in (POST /api/v1/auth/login) and from then on sends the session cookie and its CSRF token
// (X-CSRF-Token) with every request, as the web application does. Returns the sign-in response body; records
// a test failure (ADD_FAILURE) unless the server answered 201.
isms::Json SignIn(HttpClient& client, const std::string& username, const std::string& password);

// Percent-encodes a query value or path segment (RFC 3986 unreserved characters stay).
std::string UrlEncode(const std::string& s);
// The whole file (binary); "" when it cannot be read.
std::string ReadFile(const std::string& path);

// ---------------------------------------------------------------------------------------------------------
// Database and server

// A fresh, empty database on one backend: "sqlite" (a file in a new temporary folder) or "postgresql" (a new
// database on the ctest cluster, see isms/store/test_support.hpp). Removed/dropped when destroyed.
class TestStore {
  public:
    // nullptr when the backend is not available; with ISMS_REQUIRE_PG=1 a missing PostgreSQL also records a
    // test failure.
    static std::unique_ptr<TestStore> Create(const std::string& backend);
    ~TestStore();

    const std::string& backend() const { return backend_; }
    const std::string& url() const;  // for --db
    // SQLite: the database file (its folder is the test's to use). PostgreSQL: "".
    std::string sqlite_path() const;
    // `isms --db URL args…`
    ProcessResult Isms(const std::vector<std::string>& args, const RunOptions& options = {}) const;
    // Runs SQL behind the program's back with the engine's own command-line tool (sqlite3 / psql), as a
    // user with database access could. Returns the tool's result (stdout: rows, '|'-separated).
    ProcessResult Sql(const std::string& sql) const;

  private:
    TestStore() = default;
    std::string backend_;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct ServerOptions {
    std::vector<std::string> args;  // extra `serve` options, e.g. {"--threads", "4"}
    RunOptions run;                 // environment etc. (timeout is not used)
    std::chrono::milliseconds start_timeout{30000};
};

// `isms --db URL serve --host 127.0.0.1 --port 0`: the port the server prints, ready when /api/v1/health
// answers (any status: a test may start a server over an unreachable database on purpose).
class ServerProcess {
  public:
    // Throws std::runtime_error (with the server's output) when it exits or does not answer in time.
    static std::unique_ptr<ServerProcess> Start(const std::string& db_url, const ServerOptions& options = {});
    ~ServerProcess();  // Kill()s when still running

    int port() const { return port_; }
    std::string base_url() const;  // http://127.0.0.1:PORT
    HttpClient& http() { return http_; }
    HttpClient NewClient() const;  // a separate client (own default headers, own connection)

    // SIGTERM, then waits up to `grace` for a clean stop (SIGKILL after it); returns how it ended.
    ProcessResult Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10000));
    // Sends SIGKILL (a crash: no cleanup) and reaps; returns how it ended.
    ProcessResult Kill();
    std::string Output() const;  // stdout + stderr so far
    ChildProcess& process() { return *child_; }

  private:
    ServerProcess(std::unique_ptr<ChildProcess> child, int port);
    std::unique_ptr<ChildProcess> child_;
    int port_;
    HttpClient http_;
};

// A fixture parameterised over the backends (instantiate with ISMS_INSTANTIATE_BACKENDS). SetUp creates a
// fresh, empty TestStore (skips when the backend is unavailable); TearDown stops the server before the
// database is dropped.
class IntegrationTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override;
    void TearDown() override;

    TestStore& store() { return *store_; }
    // `isms --db URL args…` on this test's store.
    ProcessResult Isms(const std::vector<std::string>& args, const RunOptions& options = {}) {
        return store_->Isms(args, options);
    }
    // `isms init --org NAME`; fails the test (ADD_FAILURE) unless it exits 0.
    ProcessResult Init(const std::string& org_name = "Acme AB");
    // `isms demo`; fails the test unless it exits 0. Its accounts (app/demo.hpp: mikael administrator, anna
    // isms_manager, maria risk_owner, nils auditor, fatima contributor, lars viewer) have kDemoPassword-style
    // passwords "kvarnberg-<role with '-'>", e.g. "kvarnberg-administrator".
    ProcessResult Demo();
    // Creates an account with `role` in the organisation `org` (slug) through the CLI (password on stdin);
    // fails the test unless it exits 0. The password is kTestPassword unless given.
    void AddAccount(const std::string& username, const std::string& org, const std::string& role,
                    const std::string& password = kTestPassword);
    // `isms --org ORG token create --name NAME --role ROLE`: the token's secret (fails the test on error).
    std::string CreateToken(const std::string& org, const std::string& role, const std::string& name = "test");
    static constexpr const char* kTestPassword = "integration-otter-sings-42";
    // Starts (or returns the running) server over this test's store.
    ServerProcess& StartServer(const ServerOptions& options = {});
    ServerProcess* server() { return server_.get(); }
    void StopServer() { server_.reset(); }

  private:
    std::unique_ptr<TestStore> store_;
    std::unique_ptr<ServerProcess> server_;
};

// Prints "sqlite" / "postgresql" as the parameter name.
std::string BackendName(const ::testing::TestParamInfo<std::string>& info);

}  // namespace isms::integration

#define ISMS_INSTANTIATE_BACKENDS(Suite)                                                                       \
    INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::ValuesIn(::isms::store::testing_support::Backends()), \
                             ::isms::integration::BackendName)
