// Attacks on the platform itself over real HTTP (docs/security.md): wrong and throttled passwords, dead
// sessions, CSRF-less cookie requests, tokens with too small a role, injection and traversal strings, oversized
// and malformed bodies, headers, TLS, the demo banner, and the CLI acting as an account. Each attack must be
// refused cleanly (4xx problem+json, never 5xx), change nothing, and leave the server serving.
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

using namespace std::chrono_literals;

class SecurityTest : public IntegrationTest {
  protected:
    // An organisation "acme-ab" with its administrator "anna" and a viewer "vera".
    void SetUpAccounts() {
        auto r = Isms({"init", "--org", "Acme AB", "--admin", "anna", "--password-stdin"},
                      {.stdin_data = std::string(kTestPassword) + "\n"});
        ASSERT_EQ(r.exit_code, 0) << r;
        AddAccount("vera", "acme-ab", "viewer");
    }
    std::string Sql1(const std::string& sql) {
        auto r = store().Sql(sql);
        EXPECT_EQ(r.exit_code, 0) << r;
        return r.out.substr(0, r.out.find('\n'));
    }
    int LogEntries() { return std::stoi(Sql1("SELECT COUNT(*) FROM change_log")); }
    void ExpectStillServing(HttpClient& http) {
        auto h = http.Get("/api/v1/health");
        EXPECT_EQ(h.status, 200) << "the server stopped serving: " << h;
    }
    static void ExpectProblem(const HttpResponse& r, int status, const std::string& what) {
        EXPECT_EQ(r.status, status) << what << ": " << r;
        EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << what << ": " << r;
    }
};

TEST_P(SecurityTest, SignInSetsAHardenedCookieAndWrongPasswordsAreRefused) {
    SetUpAccounts();
    auto& http = StartServer().http();
    auto wrong = http.Post("/api/v1/auth/login", {{"username", "anna"}, {"password", "not-the-password-1"}});
    ExpectProblem(wrong, 401, "wrong password");
    EXPECT_TRUE(wrong.Header("Set-Cookie").empty());
    auto unknown = http.Post("/api/v1/auth/login", {{"username", "nobody"}, {"password", kTestPassword}});
    ExpectProblem(unknown, 401, "unknown account");
    EXPECT_EQ(wrong.Json()["detail"], unknown.Json()["detail"]) << "the answer must not tell which accounts exist";
    auto form = http.Send("POST", "/api/v1/auth/login", "username=anna&password=x", "application/x-www-form-urlencoded");
    ExpectProblem(form, 400, "a form post (cross-site login)");

    auto ok = http.Post("/api/v1/auth/login", {{"username", "ANNA"}, {"password", kTestPassword}});
    ASSERT_EQ(ok.status, 201) << ok;
    std::string cookie = ok.Header("Set-Cookie");
    EXPECT_TRUE(std::regex_search(cookie, std::regex("^isms_session=[0-9a-f]{64}; "))) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no Secure flag over plain HTTP: " << cookie;
    auto j = ok.Json();
    EXPECT_EQ(j["user"]["username"], "anna");
    EXPECT_EQ(j["organisations"][0]["slug"], "acme-ab");
    EXPECT_EQ(j["organisations"][0]["role"], "administrator");
    EXPECT_EQ(j["csrf_token"].get<std::string>().size(), 64u);
    // The session id is stored only hashed.
    std::string id = cookie.substr(13, 64);
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM sessions WHERE id_hash = '" + id + "'"), "0");
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM sessions"), "1");
}

TEST_P(SecurityTest, RepeatedFailuresAreThrottledWithRetryAfterAndLogged) {
    SetUpAccounts();
    auto& http = StartServer().http();
    for (int i = 0; i < 5; ++i)
        ExpectProblem(http.Post("/api/v1/auth/login", {{"username", "anna"}, {"password", "guess-number-" + std::to_string(i)}}),
                      401, "guess");
    auto locked = http.Post("/api/v1/auth/login", {{"username", "anna"}, {"password", kTestPassword}});
    ExpectProblem(locked, 429, "the right password while locked");
    int retry = std::stoi(locked.Header("Retry-After").empty() ? "0" : locked.Header("Retry-After"));
    EXPECT_GE(retry, 1) << locked;
    EXPECT_LE(retry, 5) << locked;
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM change_log WHERE entity = 'login_throttle' AND op = 'lockout' AND "
                   "entity_id = 'user:anna'"),
              "1");
    // Other accounts are not locked, and after the lock the right password works.
    EXPECT_EQ(http.Post("/api/v1/auth/login", {{"username", "vera"}, {"password", kTestPassword}}).status, 201);
    std::this_thread::sleep_for(std::chrono::seconds(retry));
    EXPECT_EQ(http.Post("/api/v1/auth/login", {{"username", "anna"}, {"password", kTestPassword}}).status, 201);
}

TEST_P(SecurityTest, ADisabledAccountIsRefusedLikeAWrongPasswordAndCurrentPasswordChecksAreThrottled) {
    SetUpAccounts();
    ASSERT_EQ(Isms({"--org", "acme-ab", "user", "disable", "vera"}).exit_code, 0);
    auto& server = StartServer();
    auto http = server.NewClient();
    auto disabled = http.Post("/api/v1/auth/login", {{"username", "vera"}, {"password", kTestPassword}});
    auto wrong = http.Post("/api/v1/auth/login", {{"username", "vera"}, {"password", "not-the-password-1"}});
    ExpectProblem(disabled, 401, "a disabled account with its password");
    EXPECT_EQ(disabled.body, wrong.body) << "the answer must not confirm a disabled account's password";
    for (int i = 0; i < 3; ++i) http.Post("/api/v1/auth/login", {{"username", "vera"}, {"password", kTestPassword}});
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM change_log WHERE op = 'lockout' AND entity_id = 'user:vera'"), "1")
        << "five refusals of a disabled account lock it like five wrong passwords";

    // A signed-in session cannot guess its account's password faster than the sign-in form allows.
    auto anna = server.NewClient();
    SignIn(anna, "anna", kTestPassword);
    for (int i = 0; i < 4; ++i)
        ExpectProblem(anna.Post("/api/v1/auth/password", {{"current_password", "guess-number-" + std::to_string(i)},
                                                          {"new_password", "second-otter-sings-43"}}),
                      400, "a wrong current password");
    ExpectProblem(anna.Post("/api/v1/auth/totp/disable", {{"password", "guess-number-4"}}), 400, "a wrong password");
    auto locked = anna.Post("/api/v1/auth/password", {{"current_password", kTestPassword},
                                                      {"new_password", "second-otter-sings-43"}});
    ExpectProblem(locked, 429, "the right current password while locked");
    EXPECT_FALSE(locked.Header("Retry-After").empty()) << locked;
    ExpectProblem(anna.Post("/api/v1/auth/totp/disable", {{"password", kTestPassword}}), 429, "locked");
    ExpectProblem(http.Post("/api/v1/auth/login", {{"username", "anna"}, {"password", kTestPassword}}), 429,
                  "signing in while the password checks locked the account");
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM change_log WHERE op = 'lockout' AND entity_id = 'user:anna'"), "1");
    EXPECT_EQ(anna.Get("/api/v1/auth/me").status, 200) << "the session itself goes on";
}

TEST_P(SecurityTest, TheInstallationWideLogIsShownToAdministratorsOfTheAccountsOrganisations) {
    SetUpAccounts();
    ASSERT_EQ(Isms({"org", "add", "Other AB", "--slug", "other"}).exit_code, 0);
    AddAccount("mallory", "other", "administrator");
    auto& server = StartServer();
    auto anna = server.NewClient(), vera = server.NewClient(), mallory = server.NewClient();
    SignIn(anna, "anna", kTestPassword);
    SignIn(vera, "vera", kTestPassword);
    SignIn(mallory, "mallory", kTestPassword);
    for (int i = 0; i < 5; ++i) server.http().Post("/api/v1/auth/login", {{"username", "vera"}, {"password", "guess-" + std::to_string(i) + "-wrong"}});
    auto names = [](const HttpResponse& r) {
        std::multiset<std::string> out;
        Json page = r.Json();
        for (const auto& e : page["items"]) {
            EXPECT_TRUE(e["entity"] == "user" || e["entity"] == "login_throttle") << e;
            out.insert(e["op"].get<std::string>() + " " +
                       (e["entity"] == "user" ? e["after"].value("username", "?") : e["entity_id"].get<std::string>()));
        }
        return out;
    };
    auto as_anna = anna.Get("/api/v1/log/system");
    ASSERT_EQ(as_anna.status, 200) << as_anna;
    auto seen = names(as_anna);
    EXPECT_EQ(seen.count("login anna"), 1u) << as_anna;
    EXPECT_EQ(seen.count("login vera"), 1u) << as_anna;
    EXPECT_EQ(seen.count("lockout user:vera"), 1u) << as_anna;
    EXPECT_EQ(seen.count("login mallory"), 0u) << "another organisation's member: " << as_anna;
    auto theirs = names(mallory.Get("/api/v1/log/system"));
    EXPECT_EQ(theirs, (std::multiset<std::string>{"login mallory"}));
    ExpectProblem(vera.Get("/api/v1/log/system"), 403, "a viewer");
    // The organisation's own log holds none of them (they have no organisation).
    Json organisation_log = anna.Get("/api/v1/log").Json();
    for (const auto& e : organisation_log["items"])
        EXPECT_TRUE(e["op"] != "login" && e["op"] != "lockout") << e;

    // The local operator sees every installation-wide entry; an account acting through the CLI what the API shows.
    auto all = Isms({"log", "show", "--system", "--limit", "500"});
    ASSERT_EQ(all.exit_code, 0) << all;
    for (const char* line : {"login", "lockout", "user:vera", "migrate"})
        EXPECT_NE(all.out.find(line), std::string::npos) << line << " missing from " << all.out;
    auto as_cli_admin = Isms({"--as", "mallory", "log", "show", "--system"});
    ASSERT_EQ(as_cli_admin.exit_code, 0) << as_cli_admin;
    EXPECT_EQ(as_cli_admin.out.find("lockout"), std::string::npos) << as_cli_admin.out;
    EXPECT_EQ(Isms({"--as", "vera", "log", "show", "--system"}).exit_code, 6);

    // `isms log verify` covers them: the count includes them and changing one breaks the chain there.
    auto verify = Isms({"--format", "json", "log", "verify"});
    ASSERT_EQ(verify.exit_code, 0) << verify;
    EXPECT_EQ(std::to_string(Json::parse(verify.out)["entries"].get<int64_t>()), Sql1("SELECT COUNT(*) FROM change_log"));
    std::string seq = Sql1("SELECT MIN(seq) FROM change_log WHERE op = 'login'");
    ASSERT_EQ(store().Sql("UPDATE change_log SET after_json = '{}' WHERE seq = " + seq).exit_code, 0);
    auto broken = Isms({"log", "verify"});
    EXPECT_EQ(broken.exit_code, 1) << broken;
    EXPECT_NE(broken.out.find("BROKEN at entry " + seq), std::string::npos) << broken;
}

TEST_P(SecurityTest, TheLocalOperatorIsNamedInTheChangeLogByTheSystemsNameForItsUser) {
    SetUpAccounts();
    // $USER is whatever the caller set; the name of the process's user comes from the system (getpwuid).
    ASSERT_EQ(Isms({"org", "add", "Third AB"}, {.env = {{"USER", "someone-else"}}}).exit_code, 0);
    auto r = RunProgram("id", {"-un"});
    ASSERT_EQ(r.exit_code, 0) << r;
    std::string name = r.out.substr(0, r.out.find('\n'));
    EXPECT_EQ(Sql1("SELECT actor FROM change_log WHERE entity = 'organisation' AND op = 'create' ORDER BY seq DESC"),
              "cli:" + name);
}

TEST_P(SecurityTest, IdleAndLoggedOutSessionsAreDead) {
    SetUpAccounts();
    auto& server = StartServer({.args = {"--session-idle", "2s"}});
    auto a = server.NewClient();
    SignIn(a, "anna", kTestPassword);
    EXPECT_EQ(a.Get("/api/v1/auth/me").status, 200);
    std::this_thread::sleep_for(3s);
    ExpectProblem(a.Get("/api/v1/auth/me"), 401, "an idle session");
    EXPECT_NE(a.Get("/api/v1/auth/me").Header("WWW-Authenticate").find("Bearer"), std::string::npos);

    auto b = server.NewClient();
    SignIn(b, "anna", kTestPassword);
    auto out = b.Post("/api/v1/auth/logout", Json::object());
    EXPECT_EQ(out.status, 204) << out;
    EXPECT_NE(out.Header("Set-Cookie").find("Max-Age=0"), std::string::npos) << out;
    ExpectProblem(b.Get("/api/v1/auth/me"), 401, "a session after logout");
    ExpectProblem(b.Get("/api/v1/users"), 401, "a session after logout");
}

TEST_P(SecurityTest, CookieRequestsWithoutTheSessionsCsrfTokenChangeNothing) {
    SetUpAccounts();
    auto& server = StartServer();
    auto anna = server.NewClient();
    SignIn(anna, "anna", kTestPassword);
    auto other = server.NewClient();
    std::string other_csrf = SignIn(other, "anna", kTestPassword)["csrf_token"];
    int before = LogEntries();
    Json body = {{"name", "ci"}, {"role", "viewer"}};
    for (const std::string& csrf : {std::string(""), std::string("0000"), other_csrf}) {
        anna.SetDefaultHeader("X-CSRF-Token", csrf);
        ExpectProblem(anna.Post("/api/v1/tokens", body), 403, "CSRF token '" + csrf + "'");
        ExpectProblem(anna.Post("/api/v1/users/vera/disable", Json::object()), 403, "CSRF on disable");
        ExpectProblem(anna.Post("/api/v1/auth/logout", Json::object()), 403, "CSRF on logout");
    }
    EXPECT_EQ(LogEntries(), before) << "a refused request changed something";
    EXPECT_EQ(anna.Get("/api/v1/tokens").Json()["items"].size(), 0u);
    // Reading needs no CSRF token; the right one works.
    EXPECT_EQ(anna.Get("/api/v1/users").status, 200);
    anna.SetDefaultHeader("X-CSRF-Token", anna.Get("/api/v1/auth/me").Json()["csrf_token"]);
    EXPECT_EQ(anna.Post("/api/v1/tokens", body).status, 201);
}

TEST_P(SecurityTest, TokensActWithTheirRoleOnlyAndDieWhenRevoked) {
    SetUpAccounts();
    std::string viewer = CreateToken("acme-ab", "viewer", "reader");
    auto& http = StartServer().http();
    HttpClient::Headers bearer = {{"Authorization", "Bearer " + viewer}};
    int before = LogEntries();
    EXPECT_EQ(http.Get("/api/v1/users", bearer).status, 200);
    ExpectProblem(http.Post("/api/v1/users", {{"username", "eve"}, {"password", kTestPassword}, {"role", "viewer"}}, bearer),
                  403, "viewer token creating an account");
    ExpectProblem(http.Post("/api/v1/tokens", {{"name", "more"}, {"role", "viewer"}}, bearer), 403, "viewer token minting");
    ExpectProblem(http.Post("/api/v1/users/vera/disable", Json::object(), bearer), 403, "viewer token disabling");
    ExpectProblem(http.Get("/api/v1/users", {{"Authorization", "Bearer isms_" + std::string(64, '0')}}), 401, "unknown token");
    ExpectProblem(http.Get("/api/v1/users", {{"Authorization", "Basic YW5uYTp4"}}), 401, "basic auth");
    ExpectProblem(http.Get("/api/v1/users", {{"Authorization", "Bearer " + viewer}, {"X-Isms-Org", "other"}}), 404,
                  "a token naming another organisation");
    EXPECT_EQ(LogEntries(), before);
    EXPECT_FALSE(Sql1("SELECT last_used_at FROM api_tokens WHERE name = 'reader'").empty());

    ASSERT_EQ(Isms({"token", "revoke", "reader"}).exit_code, 0);
    ExpectProblem(http.Get("/api/v1/users", bearer), 401, "a revoked token");
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE '%" + viewer.substr(5, 20) + "%'"), "0")
        << "the token is stored only hashed";
}

TEST_P(SecurityTest, InjectionAndTraversalStringsAreRefusedCleanly) {
    SetUpAccounts();
    auto& server = StartServer();
    auto http = server.NewClient();
    SignIn(http, "anna", kTestPassword);
    const std::vector<std::string> attacks = {
        "' OR '1'='1",       "1; DROP TABLE users; --", "\" OR \"\"=\"",       "x' UNION SELECT password_hash FROM users --",
        "../../etc/passwd",  "..%2F..%2Fetc%2Fpasswd",  "%00",                 "..\\..\\windows\\win.ini",
        "<script>alert(1)</script>", "${jndi:ldap://x}", std::string(3000, 'A'),
    };
    Json doc = http.Get("/api/v1/openapi.json").Json();
    const int before = LogEntries();
    int requests = 0;
    for (const auto& [path, item] : doc["paths"].items()) {
        if (path.find('{') == std::string::npos || path.rfind("/api/v1/auth/", 0) == 0) continue;
        for (const auto& [method, op] : item.items()) {
            for (const auto& attack : attacks) {
                std::string concrete = std::regex_replace(path, std::regex(R"(\{[^}]+\})"), UrlEncode(attack));
                std::string m = method;
                for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                bool body = m == "POST" || m == "PUT" || m == "PATCH";
                auto r = http.Send(m, concrete, body ? Json{{"name", attack}, {"role", "viewer"}}.dump() : "");
                ++requests;
                EXPECT_GE(r.status, 400) << m << " " << concrete << " accepted an attack string: " << r;
                EXPECT_LT(r.status, 500) << m << " " << concrete << ": " << r;
                EXPECT_EQ(r.body.find("root:x:"), std::string::npos) << m << " " << concrete;
            }
        }
    }
    EXPECT_GT(requests, 0);
    EXPECT_EQ(LogEntries(), before) << "an attack string in an id changed something";

    // In text fields: refused where the field has a form (usernames, token names), stored verbatim where it is
    // free text: never interpreted.
    for (const std::string& attack : {std::string("' OR '1'='1"), std::string("anna' --")}) {
        ExpectProblem(http.Post("/api/v1/auth/login", {{"username", attack}, {"password", "' OR '1'='1"}}), 401,
                      "injection in the sign-in");
        ExpectProblem(http.Post("/api/v1/users", {{"username", attack}, {"password", kTestPassword}, {"role", "viewer"}}),
                      400, "injection in a username");
        ExpectProblem(http.Post("/api/v1/tokens", {{"name", attack}, {"role", "viewer"}}), 400, "injection in a token name");
    }
    EXPECT_EQ(LogEntries(), before);
    std::string display = "Robert'); DROP TABLE users;-- <b>";
    auto created = http.Post("/api/v1/users", {{"username", "bobby"}, {"display_name", display}, {"password", kTestPassword},
                                               {"role", "viewer"}});
    ASSERT_EQ(created.status, 201) << created;
    EXPECT_EQ(http.Get("/api/v1/users/bobby").Json()["display_name"], display);
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM users"), "3");

    // Static files: traversal never leaves the application's files.
    for (std::string p : {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
                          "/..%5c..%5cetc%5cpasswd", "/index.html%00.png"}) {
        auto r = http.Get(p);
        EXPECT_EQ(r.body.find("root:x:"), std::string::npos) << p;
        EXPECT_LT(r.status, 500) << p << ": " << r;
    }
    EXPECT_TRUE(Isms({"log", "verify"}).exit_code == 0);
    ExpectStillServing(http);
}

TEST_P(SecurityTest, OversizedDeepAndMalformedBodiesAreRefusedAndTheServerKeepsServing) {
    SetUpAccounts();
    auto& server = StartServer({.args = {"--max-body", "65536"}});
    auto http = server.NewClient();
    SignIn(http, "anna", kTestPassword);
    const int before = LogEntries();

    auto big = http.Send("POST", "/api/v1/users", std::string(200000, '['));
    EXPECT_EQ(big.status, 413) << big;
    ExpectStillServing(http);

    std::string deep = std::string(5000, '[') + std::string(5000, ']');
    auto nested = http.Send("POST", "/api/v1/users", deep);
    ExpectProblem(nested, 400, "deeply nested JSON");
    EXPECT_NE(nested.body.find("nested deeper"), std::string::npos) << nested;
    std::string deep_object = "{\"username\":" + std::string(100, '{') + std::string(100, '}') + "}";
    ExpectProblem(http.Send("POST", "/api/v1/users", deep_object), 400, "nested object");
    ExpectProblem(http.Send("POST", "/api/v1/auth/login", deep), 400, "nested sign-in");

    std::string bad_utf8 = "{\"username\":\"eve\xff\xfe\",\"password\":\"" + std::string(kTestPassword) + "\",\"role\":\"viewer\"}";
    ExpectProblem(http.Send("POST", "/api/v1/users", bad_utf8), 400, "invalid UTF-8");
    ExpectProblem(http.Send("POST", "/api/v1/auth/login", bad_utf8), 400, "invalid UTF-8 sign-in");
    std::string overlong = "{\"username\":\"\xc0\xaf\",\"password\":\"x\"}";
    ExpectProblem(http.Send("POST", "/api/v1/auth/login", overlong), 400, "overlong UTF-8");
    ExpectProblem(http.Send("POST", "/api/v1/users", "{\"username\": \"eve\""), 400, "truncated JSON");
    ExpectProblem(http.Send("POST", "/api/v1/users", "[1,2,3]"), 400, "a JSON array");
    ExpectProblem(http.Post("/api/v1/users", {{"username", 42}, {"password", true}, {"role", nullptr}}), 400, "wrong types");
    ExpectProblem(http.Post("/api/v1/users", {{"username", "eve"}, {"password", kTestPassword}, {"role", "god"}}), 400,
                  "an unknown role");
    EXPECT_EQ(LogEntries(), before);
    ExpectStillServing(http);
}

TEST_P(SecurityTest, SecurityHeadersOnApiAndApplicationResponses) {
    SetUpAccounts();
    auto& http = StartServer().http();
    for (std::string path : {"/api/v1/health", "/api/v1/users", "/", "/some/client/route", "/no-such-file.js"}) {
        auto r = http.Get(path);
        std::string csp = r.Header("Content-Security-Policy");
        EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path << ": " << csp;
        EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path << ": " << csp;
        EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << path << ": " << csp;
        EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path << ": " << csp;
        EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << path << ": " << csp;
        EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << path;
        EXPECT_EQ(r.Header("X-Frame-Options"), "DENY") << path;
        EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer") << path;
        EXPECT_EQ(r.Header("Strict-Transport-Security"), "") << path << ": no HSTS over plain HTTP";
    }
    EXPECT_EQ(http.Get("/api/v1/users").Header("Cache-Control"), "no-store");
}

// A self-signed certificate for 127.0.0.1, made with the openssl tool.
void MakeCertificate(const std::string& cert, const std::string& key) {
    auto r = RunProgram("openssl", {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                                    "subjectAltName=IP:127.0.0.1"});
    ASSERT_EQ(r.exit_code, 0) << r;
}

TEST_P(SecurityTest, HttpsServesWithHstsAndASecureHostOnlyCookie) {
    SetUpAccounts();
    auto dir = std::filesystem::temp_directory_path() / ("isms-tls-" + std::to_string(::getpid()) + "-" + GetParam());
    std::filesystem::create_directories(dir);
    std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
    MakeCertificate(cert, key);
    auto child = ChildProcess::Spawn(IsmsBinary(), {"--db", store().url(), "serve", "--host", "127.0.0.1", "--port", "0",
                                                    "--tls-cert", cert, "--tls-key", key});
    int port = 0;
    std::smatch m;
    for (int i = 0; i < 300 && port == 0; ++i) {
        std::string out = child->Stdout();
        if (std::regex_search(out, m, std::regex(R"(on https://127\.0\.0\.1:(\d+)/)"))) port = std::stoi(m[1]);
        else std::this_thread::sleep_for(100ms);
        ASSERT_TRUE(child->Running()) << child->Stdout() << child->Stderr();
    }
    ASSERT_NE(port, 0) << child->Stdout() << child->Stderr();

    httplib::SSLClient tls("127.0.0.1", port);
    tls.set_ca_cert_path(cert.c_str());
    tls.enable_server_certificate_verification(true);
    httplib::Result health{nullptr, httplib::Error::Unknown};
    for (int i = 0; i < 50 && !health; ++i) {
        health = tls.Get("/api/v1/health");
        if (!health) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(health) << httplib::to_string(health.error());
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->get_header_value("Strict-Transport-Security"), "max-age=31536000");
    auto login = tls.Post("/api/v1/auth/login", Json{{"username", "anna"}, {"password", kTestPassword}}.dump(),
                          "application/json");
    ASSERT_TRUE(login);
    ASSERT_EQ(login->status, 201) << login->body;
    std::string cookie = login->get_header_value("Set-Cookie");
    EXPECT_EQ(cookie.rfind("__Host-isms_session=", 0), 0u) << cookie;
    EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
    auto me = tls.Get("/api/v1/auth/me", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
    ASSERT_TRUE(me);
    EXPECT_EQ(me->status, 200) << me->body;
    // The non-TLS cookie name is not accepted over TLS.
    auto plain_name = tls.Get("/api/v1/auth/me", {{"Cookie", "isms_session=" + cookie.substr(20, 64)}});
    ASSERT_TRUE(plain_name);
    EXPECT_EQ(plain_name->status, 401);

    // Plain HTTP to the TLS port gets no answer from isms.
    httplib::Client plain("127.0.0.1", port);
    plain.set_read_timeout(3, 0);
    auto refused = plain.Get("/api/v1/health");
    EXPECT_TRUE(!refused || refused->status != 200);
    child->Kill();
    std::filesystem::remove_all(dir);
}

TEST_P(SecurityTest, DemoCredentialsArePrintedOnlyForTheDemoStoreAndOnlyWhileValid) {
    Demo();
    auto& demo = StartServer();
    EXPECT_NE(demo.Output().find("mikael"), std::string::npos) << demo.Output();
    EXPECT_NE(demo.Output().find("kvarnberg-administrator"), std::string::npos) << demo.Output();
    auto http = demo.NewClient();
    SignIn(http, "lars", "kvarnberg-viewer");
    EXPECT_EQ(http.Get("/api/v1/auth/me").Json()["organisation"]["role"], "viewer");
    StopServer();
    auto reset = Isms({"user", "reset-password", "mikael", "--password-stdin"}, {.stdin_data = "lingonberry-harbour-at-dusk\n"});
    ASSERT_EQ(reset.exit_code, 0) << reset;
    auto& again = StartServer();
    EXPECT_EQ(again.Output().find("kvarnberg-administrator"), std::string::npos) << "a changed password is not printed";
    EXPECT_NE(again.Output().find("kvarnberg-viewer"), std::string::npos) << again.Output();
}

TEST_P(SecurityTest, AnOrdinaryStoreHasNoDefaultPasswordAndPrintsNone) {
    SetUpAccounts();
    auto& server = StartServer();
    EXPECT_EQ(server.Output().find("demo"), std::string::npos) << server.Output();
    EXPECT_EQ(server.Output().find("password"), std::string::npos) << server.Output();
    for (const auto& [user, pw] : {std::pair{"mikael", "kvarnberg-administrator"}, {"admin", "admin"}, {"anna", "anna"}})
        EXPECT_EQ(server.http().Post("/api/v1/auth/login", {{"username", user}, {"password", pw}}).status, 401) << user;
}

TEST_P(SecurityTest, TheCommandLineActingAsAnAccountObeysItsRole) {
    SetUpAccounts();
    const RunOptions with_password{.stdin_data = "brittle-otter-sings-42\n"};
    auto as_viewer = Isms({"--as", "vera", "user", "add", "eve", "--role", "viewer", "--password-stdin"}, with_password);
    EXPECT_EQ(as_viewer.exit_code, 6) << as_viewer;
    EXPECT_EQ(Isms({"--as", "vera", "token", "create", "--name", "x"}).exit_code, 6);
    EXPECT_EQ(Isms({"--as", "vera", "org", "add", "Evil AB"}).exit_code, 6);
    EXPECT_EQ(Isms({"--as", "vera", "user", "list"}).exit_code, 0);
    EXPECT_EQ(Isms({"--as", "nobody", "user", "list"}).exit_code, 7);

    std::string viewer = CreateToken("acme-ab", "viewer");
    auto by_token = Isms({"token", "list"}, {.env = {{"ISMS_TOKEN", viewer}}});
    EXPECT_EQ(by_token.exit_code, 6) << by_token;
    EXPECT_EQ(Isms({"user", "list"}, {.env = {{"ISMS_TOKEN", viewer}}}).exit_code, 0);
    EXPECT_EQ(Isms({"user", "list"}, {.env = {{"ISMS_TOKEN", "isms_" + std::string(64, '1')}}}).exit_code, 7);

    // The local operator may do it all, and the change log names who did what.
    EXPECT_EQ(Isms({"user", "add", "eve", "--role", "viewer", "--password-stdin"}, with_password).exit_code, 0);
    EXPECT_EQ(Isms({"--as", "anna", "user", "disable", "eve"}).exit_code, 0);
    EXPECT_EQ(Sql1("SELECT actor FROM change_log WHERE op = 'disable'"), "user:anna");

    // Passwords never come from arguments; a refused one leaves no store behind.
    auto dir = std::filesystem::path(store().sqlite_path().empty() ? "/tmp" : store().sqlite_path()).parent_path();
    std::string fresh = (dir / ("fresh-" + GetParam() + ".db")).string();
    auto weak = RunIsms({"--db", fresh, "init", "--org", "X AB", "--admin", "root", "--password-stdin"},
                        {.stdin_data = "password1234\n"});
    EXPECT_EQ(weak.exit_code, 3) << weak;
    EXPECT_FALSE(std::filesystem::exists(fresh));
    auto no_tty = RunIsms({"--db", fresh, "init", "--org", "X AB", "--admin", "root"});
    EXPECT_EQ(no_tty.exit_code, 3) << no_tty;
    EXPECT_NE(no_tty.err.find("--password-stdin"), std::string::npos) << no_tty;
}

TEST_P(SecurityTest, TwoServersOnOneDatabaseAreOneApplication) {
    SetUpAccounts();
    auto& first = StartServer();
    auto second = ServerProcess::Start(store().url());
    auto a = first.NewClient();
    SignIn(a, "anna", kTestPassword);
    auto b = second->NewClient();
    b.SetDefaultHeader("Cookie", "");
    // The session opened on the first server works on the second, CSRF token included.
    std::string cookie, csrf;
    {
        auto login = a.Post("/api/v1/auth/login", {{"username", "anna"}, {"password", kTestPassword}});
        cookie = login.Header("Set-Cookie").substr(0, login.Header("Set-Cookie").find(';'));
        csrf = login.Json()["csrf_token"];
    }
    b.SetDefaultHeader("Cookie", cookie);
    b.SetDefaultHeader("X-CSRF-Token", csrf);
    EXPECT_EQ(b.Get("/api/v1/auth/me").status, 200);
    EXPECT_EQ(b.Post("/api/v1/tokens", {{"name", "shared"}, {"role", "viewer"}}).status, 201);
    // Sign-out on the second ends it on the first.
    a.SetDefaultHeader("Cookie", cookie);
    a.SetDefaultHeader("X-CSRF-Token", csrf);
    EXPECT_EQ(b.Post("/api/v1/auth/logout", Json::object()).status, 204);
    EXPECT_EQ(a.Get("/api/v1/auth/me").status, 401);
    // Throttling counts failures on both servers together.
    for (int i = 0; i < 5; ++i) {
        auto& c = i % 2 ? a : b;
        EXPECT_EQ(c.Post("/api/v1/auth/login", {{"username", "vera"}, {"password", "wrong-" + std::to_string(i)}}).status, 401);
    }
    EXPECT_EQ(a.Post("/api/v1/auth/login", {{"username", "vera"}, {"password", kTestPassword}}).status, 429);
}

// Each server caches who a token or session is (auth/principal_cache.hpp), valid for one state of the change log.
// Revoking a token, lowering its creator's role, disabling an account (through the other server or the CLI, a
// third process) must take effect on the very next request to a server whose cache holds the credential.
TEST_P(SecurityTest, TwoServersRefuseRevokedTokensAndDisabledAccountsAtOnceDespiteTheirCaches) {
    SetUpAccounts();
    AddAccount("rolf", "acme-ab", "administrator");
    auto& first = StartServer();
    auto second = ServerProcess::Start(store().url());
    // A session opened on the first server, used from a client of each server.
    auto session_on = [&](const std::string& user) {
        auto c = first.NewClient();
        auto login = c.Post("/api/v1/auth/login", {{"username", user}, {"password", kTestPassword}});
        EXPECT_EQ(login.status, 201) << login;
        std::string cookie = login.Header("Set-Cookie").substr(0, login.Header("Set-Cookie").find(';'));
        std::string csrf = login.Json().value("csrf_token", "");
        std::pair<HttpClient, HttpClient> out{first.NewClient(), second->NewClient()};
        for (auto* client : {&out.first, &out.second}) {
            client->SetDefaultHeader("Cookie", cookie);
            client->SetDefaultHeader("X-CSRF-Token", csrf);
        }
        return out;
    };
    auto [anna1, anna2] = session_on("anna");
    auto [vera1, vera2] = session_on("vera");
    auto [rolf1, rolf2] = session_on("rolf");
    auto token = [&](HttpClient& c, const std::string& name, const std::string& role) {
        auto r = c.Post("/api/v1/tokens", {{"name", name}, {"role", role}});
        EXPECT_EQ(r.status, 201) << r;
        return HttpClient::Headers{{"Authorization", "Bearer " + r.Json().value("token", "")}};
    };
    auto ci = token(anna1, "ci", "viewer");
    auto rolf_ci = token(rolf1, "rolf-ci", "administrator");
    HttpClient h1 = first.NewClient(), h2 = second->NewClient();
    // Warm both servers' caches: every credential answered on both, twice.
    for (int i = 0; i < 2; ++i) {
        for (auto* h : {&h1, &h2}) {
            EXPECT_EQ(h->Get("/api/v1/users", ci).status, 200);
            EXPECT_EQ(h->Get("/api/v1/tokens", rolf_ci).status, 200);
        }
        for (auto* c : {&vera1, &vera2, &rolf1, &rolf2}) EXPECT_EQ(c->Get("/api/v1/auth/me").status, 200);
    }
    EXPECT_FALSE(Sql1("SELECT last_used_at FROM api_tokens WHERE name = 'ci'").empty()) << "last use recorded";

    // A token revoked through the first server is refused by the second at once (and by the first).
    EXPECT_EQ(anna1.Delete("/api/v1/tokens/ci").status, 204);
    ExpectProblem(h2.Get("/api/v1/users", ci), 401, "a token revoked on the other server");
    ExpectProblem(h1.Get("/api/v1/users", ci), 401, "a revoked token");

    // The creator's role lowered through the first server: the creator's administrator token dies on the second,
    // and the creator's own session there acts as a viewer at once.
    EXPECT_EQ(anna1.Put("/api/v1/users/rolf/role", {{"role", "viewer"}}).status, 200);
    ExpectProblem(h2.Get("/api/v1/tokens", rolf_ci), 401, "a token whose creator lost the role");
    ExpectProblem(rolf2.Get("/api/v1/tokens"), 403, "a session whose role was lowered on the other server");
    EXPECT_EQ(rolf2.Get("/api/v1/auth/me").status, 200);

    // An account disabled through the first server: its session on the second ends at once.
    EXPECT_EQ(anna1.Post("/api/v1/users/vera/disable", Json::object()).status, 204);
    ExpectProblem(vera2.Get("/api/v1/auth/me"), 401, "the session of an account disabled on the other server");

    // Disabled by the command line (a third process): both servers refuse at once.
    ASSERT_EQ(Isms({"user", "disable", "rolf"}).exit_code, 0);
    ExpectProblem(rolf2.Get("/api/v1/auth/me"), 401, "the session of an account disabled by the CLI");
    ExpectProblem(rolf1.Get("/api/v1/auth/me"), 401, "the session of an account disabled by the CLI");

    // Sign-out on the second server ends the session on the first, whose cache holds it.
    EXPECT_EQ(anna1.Get("/api/v1/auth/me").status, 200);
    EXPECT_EQ(anna2.Post("/api/v1/auth/logout", Json::object()).status, 204);
    ExpectProblem(anna1.Get("/api/v1/auth/me"), 401, "a session signed out on the other server");
}

// Idle expiry with caches: a session kept alive on one server is not ended as idle by another whose cached
// last-seen time is old (it reads the session again before refusing); an idle one is refused by both.
TEST_P(SecurityTest, ASessionKeptAliveOnOneServerIsNotIdleOnAnother) {
    SetUpAccounts();
    auto& first = StartServer({.args = {"--session-idle", "6s"}});
    auto second = ServerProcess::Start(store().url(), {.args = {"--session-idle", "6s"}});
    auto a = first.NewClient(), b = second->NewClient();
    auto login = a.Post("/api/v1/auth/login", {{"username", "anna"}, {"password", kTestPassword}});
    ASSERT_EQ(login.status, 201) << login;
    std::string cookie = login.Header("Set-Cookie").substr(0, login.Header("Set-Cookie").find(';'));
    a.SetDefaultHeader("Cookie", cookie);
    b.SetDefaultHeader("Cookie", cookie);
    EXPECT_EQ(b.Get("/api/v1/auth/me").status, 200);  // the second server caches the session as seen now
    // Used on the first server only, every 2 s (its last-seen time is refreshed at most every idle/4 = 1.5 s).
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(2s);
        EXPECT_EQ(a.Get("/api/v1/auth/me").status, 200) << "use " << i;
    }
    // More than 6 s after the second server last saw it, but under 6 s since the first did.
    EXPECT_EQ(b.Get("/api/v1/auth/me").status, 200) << "the second server ended a session kept alive elsewhere";
    std::this_thread::sleep_for(7s);
    ExpectProblem(b.Get("/api/v1/auth/me"), 401, "an idle session (second server)");
    ExpectProblem(a.Get("/api/v1/auth/me"), 401, "an idle session (first server)");
}

// Two servers on one database, the same things edited through both with the ETag each read: optimistic
// concurrency reports the conflict (412) instead of losing an update — for a record, a saved view and a
// control's tags, one after the other and at the same moment — and the change log stays one unbroken chain.
TEST_P(SecurityTest, TwoServersEditingTheSameThingReportTheConflictInsteadOfLosingAnUpdate) {
    SetUpAccounts();
    std::string token = CreateToken("acme-ab", "administrator", "two-servers");
    auto& first = StartServer();
    auto second = ServerProcess::Start(store().url());
    auto a = first.NewClient(), b = second->NewClient();
    a.SetDefaultHeader("Authorization", "Bearer " + token);
    b.SetDefaultHeader("Authorization", "Bearer " + token);
    auto expect_conflict = [](const HttpResponse& r, const std::string& what) {
        EXPECT_EQ(r.status, 412) << what << ": " << r;
        EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << what << ": " << r;
    };
    int entries = LogEntries();

    // A record: both read version 1; the first server's edit wins, the second's is refused, not applied.
    auto created = a.Post("/api/v1/records/person", {{"name", "Anna Berg"}, {"email", "anna@acme.example"}});
    ASSERT_EQ(created.status, 201) << created;
    std::string path = "/api/v1/records/person/" + created.Json()["id"].get<std::string>();
    std::string etag = b.Get(path).Header("ETag");
    ASSERT_EQ(etag, a.Get(path).Header("ETag"));
    auto won = a.Patch(path, {{"job_title", "CISO"}}, {{"If-Match", etag}});
    ASSERT_EQ(won.status, 200) << won;
    expect_conflict(b.Patch(path, {{"job_title", "Controller"}}, {{"If-Match", etag}}), "record, stale ETag");
    auto seen = b.Get(path);
    EXPECT_EQ(seen.Json()["data"]["job_title"], "CISO") << "the first update is not lost";
    EXPECT_EQ(seen.Header("ETag"), won.Header("ETag"));
    // Reloaded, the second server's edit goes through.
    EXPECT_EQ(b.Patch(path, {{"job_title", "Controller"}}, {{"If-Match", seen.Header("ETag")}}).status, 200);

    // At the same moment: in each round both servers send an edit with the same ETag; exactly one wins.
    for (int round = 0; round < 8; ++round) {
        std::string current = a.Get(path).Header("ETag");
        HttpResponse ra, rb;
        std::thread ta([&] { ra = a.Patch(path, {{"department", "A" + std::to_string(round)}}, {{"If-Match", current}}); });
        std::thread tb([&] { rb = b.Patch(path, {{"department", "B" + std::to_string(round)}}, {{"If-Match", current}}); });
        ta.join();
        tb.join();
        EXPECT_TRUE((ra.status == 200 && rb.status == 412) || (ra.status == 412 && rb.status == 200))
            << "round " << round << ": " << ra << "\n" << rb;
        std::string department = a.Get(path).Json()["data"].value("department", "");
        EXPECT_EQ(department, (ra.status == 200 ? "A" : "B") + std::to_string(round)) << "the winner's edit is stored";
    }

    // A saved view.
    ASSERT_EQ(a.Post("/api/v1/views", {{"name", "soc"}, {"where", "control_type = Detective"}}).status, 201);
    std::string view_etag = b.Get("/api/v1/views/soc").Header("ETag");
    EXPECT_EQ(view_etag, "\"1\"");
    auto view_won = a.Put("/api/v1/views/soc", {{"where", "control_type = Detective"}, {"sort", "id"}},
                          {{"If-Match", view_etag}});
    ASSERT_EQ(view_won.status, 200) << view_won;
    EXPECT_EQ(view_won.Header("ETag"), "\"2\"");
    expect_conflict(b.Put("/api/v1/views/soc", {{"where", "control_type = Corrective"}}, {{"If-Match", view_etag}}),
                    "view, stale ETag");
    expect_conflict(b.Delete("/api/v1/views/soc", {{"If-Match", view_etag}}), "view delete, stale ETag");
    auto view = a.Get("/api/v1/views/soc").Json();
    EXPECT_EQ(view["where"], "control_type = Detective");
    EXPECT_EQ(view["sort"], "id");

    // A control's tags.
    const std::string control = "/api/v1/frameworks/iso27001-2022/controls/8.16";
    std::string control_etag = a.Get(control).Header("ETag");
    EXPECT_EQ(control_etag, b.Get(control).Header("ETag"));
    auto tag_won = b.Put(control + "/attributes", {{"set", {{"control_type", "Preventive"}}}},
                         {{"If-Match", control_etag}});
    ASSERT_EQ(tag_won.status, 200) << tag_won;
    EXPECT_NE(tag_won.Header("ETag"), control_etag);
    expect_conflict(a.Put(control + "/attributes", {{"set", {{"control_type", "Corrective"}}}},
                          {{"If-Match", control_etag}}),
                    "control attributes, stale ETag");
    EXPECT_EQ(b.Get(control).Json()["attributes"]["control_type"], Json({"Preventive"}));
    // The first server keeps the catalog in memory and revalidates it at most once a second (catalog.hpp).
    std::this_thread::sleep_for(1100ms);
    auto later = a.Get(control);
    EXPECT_EQ(later.Json()["attributes"]["control_type"], Json({"Preventive"}));
    EXPECT_EQ(later.Header("ETag"), tag_won.Header("ETag"));

    // Every accepted write is one entry of one chain; the refused ones wrote nothing.
    EXPECT_EQ(LogEntries(), entries + 1 + 2 + 8 + 2 + 1) << "create, 2 edits, 8 winners, view create+update, retag";
    auto verify = Isms({"log", "verify"});
    EXPECT_EQ(verify.exit_code, 0) << verify;
    EXPECT_EQ(b.Get("/api/v1/log/verify").Json().value("ok", false), true);
}

ISMS_INSTANTIATE_BACKENDS(SecurityTest);

}  // namespace
}  // namespace isms::integration
