// The real binary serving the API on a free port: health, problem+json errors, unknown routes, wrong methods,
// organisations, clean shutdown.
#include <csignal>
#include <sstream>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

class ApiTest : public IntegrationTest {
  protected:
    // Checks the RFC 9457 shape of an error response and returns its body.
    static Json ExpectProblem(const HttpResponse& r, int status, const std::string& code) {
        EXPECT_EQ(r.status, status) << r;
        EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << r;
        Json p = r.Json();
        EXPECT_EQ(p.value("status", 0), status) << p;
        EXPECT_EQ(p.value("code", ""), code) << p;
        EXPECT_EQ(p.value("type", ""), "urn:isms:problem:" + code) << p;
        EXPECT_FALSE(p.value("title", "").empty()) << p;
        EXPECT_FALSE(p.value("detail", "").empty()) << p;
        EXPECT_TRUE(p.contains("instance")) << p;
        return p;
    }
};

TEST_P(ApiTest, HealthReportsTheReachableDatabase) {
    Init();
    auto r = StartServer().http().Get("/api/v1/health");
    ASSERT_EQ(r.status, 200) << r;
    auto j = r.Json();
    EXPECT_EQ(j["status"], "ok");
    EXPECT_EQ(j["database"], "reachable");
    EXPECT_EQ(j["backend"], GetParam());
    ASSERT_TRUE(j["schema_version"].is_number_integer()) << j;
    EXPECT_GE(j["schema_version"].get<int>(), 1);
    // The same number the store reports through the CLI's own view of the database.
    auto sv = store().Sql("SELECT MAX(version) FROM schema_version");
    ASSERT_EQ(sv.exit_code, 0) << sv;
    EXPECT_EQ(std::to_string(j["schema_version"].get<int>()) + "\n", sv.out);
}

TEST_P(ApiTest, TheServerQueuesManyConnectingClientsInsteadOfDroppingThem) {
    // The kernel keeps as many not-yet-accepted connections as the listen backlog; beyond it SYNs are dropped
    // and clients retry after seconds. ss shows a listening socket's backlog as its Send-Q.
    Init();
    auto& server = StartServer();
    auto ss = RunProgram("ss", {"-ltnH", "sport = :" + std::to_string(server.port())});
    ASSERT_EQ(ss.exit_code, 0) << ss;
    std::istringstream in(ss.out);
    std::string state, recv_q, send_q;
    in >> state >> recv_q >> send_q;
    ASSERT_EQ(state, "LISTEN") << ss;
    EXPECT_GE(std::stoi(send_q), 128) << "listen backlog: " << ss.out;
}

TEST_P(ApiTest, EveryResponseCarriesARequestIdAndTheSecurityHeaders) {
    Init();
    auto& http = StartServer().http();
    auto r = http.Get("/api/v1/health", {{"X-Request-Id", "trace-42"}});
    EXPECT_EQ(r.Header("X-Request-Id"), "trace-42");
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.Header("Cache-Control"), "no-store");
    auto generated = http.Get("/api/v1/health").Header("X-Request-Id");
    EXPECT_FALSE(generated.empty());
    EXPECT_NE(generated, http.Get("/api/v1/health").Header("X-Request-Id"));
}

TEST_P(ApiTest, AnUnknownRouteIsAProblemJson404) {
    Init();
    auto& http = StartServer().http();
    for (std::string path : {"/api/v1/no-such-thing", "/api/v1/health/extra", "/api/v2/health", "/api/"}) {
        auto p = ExpectProblem(http.Get(path), 404, "not_found");
        EXPECT_NE(p.value("detail", "").find("no such API route"), std::string::npos) << p;
        EXPECT_EQ(p.value("instance", ""), path);
    }
    ExpectProblem(http.Post("/api/v1/no-such-thing", Json::object()), 404, "not_found");
}

TEST_P(ApiTest, AWrongMethodIs405WithAllow) {
    Init();
    auto& http = StartServer().http();
    for (std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
        auto r = http.Send(method, "/api/v1/health", method == "DELETE" ? "" : "{}");
        auto p = ExpectProblem(r, 405, "invalid_input");
        EXPECT_EQ(r.Header("Allow"), "GET") << r;
        EXPECT_NE(p.value("detail", "").find("GET"), std::string::npos) << p;
    }
}

TEST_P(ApiTest, OrganisationsAreChosenWithTheOrgHeader) {
    Init("Acme AB");
    auto added = Isms({"org", "add", "Beta Konsult AB", "--slug", "beta"});
    ASSERT_EQ(added.exit_code, 0) << added;
    AddAccount("konsult", "acme-ab", "viewer");
    ASSERT_EQ(Isms({"--org", "beta", "user", "grant", "konsult", "auditor"}).exit_code, 0);
    auto& http = StartServer().http();
    ExpectProblem(http.Get("/api/v1/organisations", {{"X-Isms-Org", "beta"}}), 401, "unauthenticated");
    SignIn(http, "konsult", kTestPassword);

    // Without the header: the account's first organisation by slug.
    auto first = http.Get("/api/v1/organisations");
    ASSERT_EQ(first.status, 200) << first;
    ASSERT_EQ(first.Json()["items"].size(), 1u) << first;
    EXPECT_EQ(first.Json()["items"][0]["slug"], "acme-ab");

    auto r = http.Get("/api/v1/organisations", {{"X-Isms-Org", "beta"}});
    ASSERT_EQ(r.status, 200) << r;
    auto items = r.Json()["items"];
    ASSERT_EQ(items.size(), 1u) << items;
    EXPECT_EQ(items[0]["slug"], "beta");
    EXPECT_EQ(items[0]["name"], "Beta Konsult AB");
    EXPECT_EQ(http.Get("/api/v1/auth/me", {{"X-Isms-Org", "beta"}}).Json()["organisation"]["role"], "auditor");

    ExpectProblem(http.Get("/api/v1/organisations", {{"X-Isms-Org", "nosuch"}}), 404, "not_found");
}

TEST_P(ApiTest, ASecondServerOnATakenPortExitsWithUnavailable) {
    Init();
    auto& first = StartServer();
    auto r = Isms({"serve", "--host", "127.0.0.1", "--port", std::to_string(first.port())},
                  {.timeout = std::chrono::seconds(20)});
    EXPECT_FALSE(r.timed_out) << r;
    EXPECT_EQ(r.exit_code, 8) << r;
    EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r;
    EXPECT_EQ(first.http().Get("/api/v1/health").status, 200) << "the first server is unharmed";
}

TEST_P(ApiTest, SigtermFinishesAndExitsZero) {
    Init();
    auto& server = StartServer();
    ASSERT_EQ(server.http().Get("/api/v1/health").status, 200);
    auto r = server.Stop();
    EXPECT_FALSE(r.timed_out) << r;
    EXPECT_EQ(r.exit_code, 0) << r;
}

ISMS_INSTANTIATE_BACKENDS(ApiTest);

// PostgreSQL only: the database can go away under a running server (SQLite keeps its open file).
TEST(ApiHealthTest, HealthReportsAnUnreachableDatabaseWith503) {
    auto db = TestStore::Create("postgresql");
    if (!db) GTEST_SKIP() << "PostgreSQL not available";
    auto init = db->Isms({"init", "--org", "Acme AB"});
    ASSERT_EQ(init.exit_code, 0) << init;
    auto server = ServerProcess::Start(db->url());
    ASSERT_EQ(server->http().Get("/api/v1/health").status, 200);

    std::string url = db->url();
    std::string name = url.substr(url.rfind('/') + 1);
    name = name.substr(0, name.find('?'));
    auto drop = RunProgram("psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", store::testing_support::PostgresAdminUrl(),
                                    "-c", "DROP DATABASE " + name + " WITH (FORCE)"});
    ASSERT_EQ(drop.exit_code, 0) << drop;

    auto r = server->http().Get("/api/v1/health");
    EXPECT_EQ(r.status, 503) << r;
    auto j = r.Json();
    EXPECT_EQ(j["status"], "degraded");
    EXPECT_EQ(j["database"], "unreachable");
    EXPECT_FALSE(j.contains("schema_version"));
}

}  // namespace
}  // namespace isms::integration
