// `isms log verify` and GET /api/v1/log/verify against a database edited behind the program's back with the
// engine's own command-line tool (sqlite3 / psql), as someone with access to the database file could.
#include <map>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

class LogVerifyTest : public IntegrationTest {
  protected:
    // Logged writes: the first organisation, two more, and an auditor's API token for the HTTP checks.
    void MakeEdits() {
        Init("Acme AB");
        for (auto [name, slug] : {std::pair{"Beta Konsult AB", "beta"}, {"Gamma Lön AB", "gamma"}}) {
            auto r = Isms({"org", "add", name, "--slug", slug});
            ASSERT_EQ(r.exit_code, 0) << r;
        }
        token_ = CreateToken("beta", "auditor");
    }
    std::string token_;
    std::string SqlValue(const std::string& sql) {
        auto r = store().Sql(sql);
        EXPECT_EQ(r.exit_code, 0) << r;
        return r.out.substr(0, r.out.find('\n'));
    }
};

TEST_P(LogVerifyTest, AnIntactLogVerifiesWithItsEntryCountAndHead) {
    MakeEdits();
    std::string count = SqlValue("SELECT COUNT(*) FROM change_log");
    std::string head = SqlValue("SELECT hash FROM change_log ORDER BY seq DESC LIMIT 1");
    ASSERT_GE(std::stoi(count), 3);

    auto r = Isms({"log", "verify"});
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_NE(r.out.find("change log OK: " + count + " entries"), std::string::npos) << r;
    EXPECT_NE(r.out.find(head), std::string::npos) << r;

    auto j = Isms({"--format", "json", "log", "verify"});
    ASSERT_EQ(j.exit_code, 0) << j;
    auto v = Json::parse(j.out);
    EXPECT_EQ(v["ok"], true);
    EXPECT_EQ(v["entries"], std::stoi(count));
    EXPECT_EQ(v["head_hash"], head);
    EXPECT_TRUE(v["first_broken"].is_null());

    auto h = StartServer().http().Get("/api/v1/log/verify", {{"Authorization", "Bearer " + token_}});
    ASSERT_EQ(h.status, 200) << h;
    EXPECT_EQ(h.Json()["ok"], true);
    EXPECT_EQ(h.Json()["entries"], std::stoi(count));
}

TEST_P(LogVerifyTest, AnEntryAlteredBehindTheProgramsBackIsNamed) {
    MakeEdits();
    std::string seq = SqlValue("SELECT seq FROM change_log WHERE after_json LIKE '%Beta Konsult AB%'");
    ASSERT_FALSE(seq.empty());
    std::string last = SqlValue("SELECT MAX(seq) FROM change_log");
    ASSERT_LT(std::stoi(seq), std::stoi(last)) << "a later entry follows the altered one";

    auto edit = store().Sql(
        "UPDATE change_log SET after_json = REPLACE(after_json, 'Beta Konsult AB', "
        "'Beta Evil AB') WHERE seq = " +
        seq);
    ASSERT_EQ(edit.exit_code, 0) << edit;

    auto r = Isms({"log", "verify"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_NE(r.out.find("BROKEN at entry " + seq + ":"), std::string::npos) << r;
    EXPECT_NE(r.out.find("altered"), std::string::npos) << r;

    auto j = Isms({"--format", "json", "log", "verify"});
    EXPECT_EQ(j.exit_code, 1) << j;
    auto v = Json::parse(j.out);
    EXPECT_EQ(v["ok"], false);
    EXPECT_EQ(v["first_broken"], std::stoi(seq));

    auto h = StartServer().http().Get("/api/v1/log/verify", {{"Authorization", "Bearer " + token_}});
    ASSERT_EQ(h.status, 200) << h;
    EXPECT_EQ(h.Json()["ok"], false);
    EXPECT_EQ(h.Json()["first_broken"], std::stoi(seq));
    EXPECT_EQ(h.Json()["problem"], v["problem"]);

    // Verification only reads: a second run finds the same break, and the edit is still there.
    EXPECT_EQ(Isms({"log", "verify"}).out, r.out);
    EXPECT_EQ(SqlValue("SELECT COUNT(*) FROM change_log WHERE after_json LIKE '%Beta Evil AB%'"), "1");
}

TEST_P(LogVerifyTest, AStoredHashThatWasChangedIsNamed) {
    MakeEdits();
    // The first entry's stored hash is replaced: its content no longer matches it.
    auto edit = store().Sql("UPDATE change_log SET hash = REPLACE(hash, SUBSTR(hash, 1, 1), 'x') WHERE seq = 1");
    ASSERT_EQ(edit.exit_code, 0) << edit;
    auto r = Isms({"--format", "json", "log", "verify"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_EQ(Json::parse(r.out)["first_broken"], 1) << r;
}

TEST_P(LogVerifyTest, RemovedNewestEntriesAreDetected) {
    MakeEdits();
    std::string last = SqlValue("SELECT MAX(seq) FROM change_log");
    auto edit = store().Sql("DELETE FROM change_log WHERE seq = " + last);
    ASSERT_EQ(edit.exit_code, 0) << edit;
    auto r = Isms({"log", "verify"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_NE(r.out.find("BROKEN at entry " + last + ":"), std::string::npos) << r;
}

// GET /api/v1/log: the caller's organisation's entries, newest first, paged with `before`; other organisations'
// entries never appear; a role without log.verify is refused.
TEST_P(LogVerifyTest, TheLogApiListsTheOrganisationsEntriesNewestFirst) {
    MakeEdits();
    std::string gamma_token = CreateToken("gamma", "auditor");
    std::string viewer_token = CreateToken("beta", "viewer", "viewer");
    std::string beta_id = SqlValue("SELECT id FROM organisations WHERE slug = 'beta'");
    std::string expected = SqlValue("SELECT COUNT(*) FROM change_log WHERE org_id = '" + beta_id + "'");
    std::string newest = SqlValue("SELECT MAX(seq) FROM change_log WHERE org_id = '" + beta_id + "'");
    ASSERT_GE(std::stoi(expected), 2) << "the organisation and its token";

    auto& http = StartServer().http();
    const HttpClient::Headers beta = {{"Authorization", "Bearer " + token_}};
    auto all = http.Get("/api/v1/log?limit=500", beta);
    ASSERT_EQ(all.status, 200) << all;
    const Json items = all.Json()["items"];
    ASSERT_EQ(items.size(), static_cast<size_t>(std::stoi(expected))) << all;
    EXPECT_TRUE(all.Json()["next_before"].is_null());
    EXPECT_EQ(items[0]["seq"], std::stoll(newest));
    for (size_t i = 1; i < items.size(); ++i) EXPECT_GT(items[i - 1]["seq"], items[i]["seq"]);
    bool saw_beta = false;
    for (const auto& e : items) {
        EXPECT_EQ(e["after"].dump().find("Gamma"), std::string::npos) << e;
        if (e["after"].dump().find("Beta Konsult AB") != std::string::npos) saw_beta = true;
        EXPECT_EQ(e["hash"].get<std::string>().size(), 64u) << e;
    }
    EXPECT_TRUE(saw_beta) << all;

    // One entry per page, following next_before, gives the same entries.
    std::vector<int64_t> paged;
    std::string before;
    for (int guard = 0; guard < 100; ++guard) {
        auto page = http.Get("/api/v1/log?limit=1" + (before.empty() ? "" : "&before=" + before), beta);
        ASSERT_EQ(page.status, 200) << page;
        const Json body = page.Json();
        for (const auto& e : body["items"]) paged.push_back(e["seq"]);
        if (body["next_before"].is_null()) break;
        before = std::to_string(body["next_before"].get<int64_t>());
    }
    std::vector<int64_t> listed;
    for (const auto& e : items) listed.push_back(e["seq"]);
    EXPECT_EQ(paged, listed);

    // Filters, another organisation, a viewer, bad input.
    auto orgs = http.Get("/api/v1/log?entity=organisation", beta);
    ASSERT_EQ(orgs.status, 200) << orgs;
    const Json org_entries = orgs.Json()["items"];
    EXPECT_FALSE(org_entries.empty()) << orgs;
    for (const auto& e : org_entries) EXPECT_EQ(e["entity"], "organisation");
    auto gamma = http.Get("/api/v1/log?limit=500", {{"Authorization", "Bearer " + gamma_token}});
    ASSERT_EQ(gamma.status, 200) << gamma;
    const Json gamma_entries = gamma.Json()["items"];
    EXPECT_FALSE(gamma_entries.empty()) << gamma;
    for (const auto& e : gamma_entries) EXPECT_EQ(e["after"].dump().find("Beta Konsult"), std::string::npos);
    EXPECT_EQ(http.Get("/api/v1/log", {{"Authorization", "Bearer " + viewer_token}}).status, 403);
    auto bad = http.Get("/api/v1/log?limit=0", beta);
    EXPECT_EQ(bad.status, 400) << bad;
    EXPECT_NE(bad.Json().value("detail", "").find("limit"), std::string::npos) << bad;
}

// A row of the ISMS itself changed with the engine's own tool — the chain is intact, but the record no
// longer equals what its history ends with — and a record inserted without any history.
TEST_P(LogVerifyTest, ARecordChangedOrAddedBehindTheProgramsBackIsNamed) {
    Init("Acme AB");
    ASSERT_EQ(Isms({"record", "add", "person", "--set", "name=Anna Berg", "--set", "email=anna@acme.example"}).exit_code,
              0);
    ASSERT_EQ(Isms({"record", "add", "asset", "--set", "name=Payroll database", "--set", "asset_type=information",
                    "--set", "owner=PER-1", "--set", "classification=restricted"})
                  .exit_code,
              0);
    ASSERT_EQ(Isms({"log", "verify"}).exit_code, 0);
    auto edit = store().Sql(
        "UPDATE records SET data_json = REPLACE(data_json, 'restricted', 'public') WHERE id = 'AST-1'");
    ASSERT_EQ(edit.exit_code, 0) << edit;
    ASSERT_EQ(Isms({"record", "show", "asset", "AST-1", "--format", "json"}).out.find("restricted"), std::string::npos)
        << "the edit took effect";
    auto r = Isms({"log", "verify"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_NE(r.out.find("change log OK"), std::string::npos) << "the chain itself is intact: " << r;
    EXPECT_NE(r.out.find("asset AST-1"), std::string::npos) << r;
    EXPECT_NE(r.out.find("data.classification"), std::string::npos) << r;
    EXPECT_EQ(r.out.find("person PER-1"), std::string::npos) << "an untouched record is not named: " << r;

    auto copy = store().Sql(
        "INSERT INTO records (org_id, type, id, seq, version, revision, state, title, data_json, archived, created_at, "
        "created_by, updated_at, updated_by) SELECT org_id, type, 'AST-99', seq + 1000, version, revision, state, title, "
        "data_json, archived, created_at, created_by, updated_at, updated_by FROM records WHERE id = 'AST-1'");
    ASSERT_EQ(copy.exit_code, 0) << copy;
    auto j = Isms({"--format", "json", "log", "verify"});
    EXPECT_EQ(j.exit_code, 1) << j;
    auto v = Json::parse(j.out);
    EXPECT_EQ(v["ok"], false);
    ASSERT_EQ(v["records"].size(), 2u) << v;
    EXPECT_EQ(v["records"][1]["id"], "AST-99");
    EXPECT_NE(v["records"][1]["problem"].get<std::string>().find("no change-log entry"), std::string::npos) << v;

    // Over HTTP, for the caller's organisation.
    auto token = CreateToken("acme-ab", "auditor");
    auto h = StartServer().http().Get("/api/v1/log/verify", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(h.status, 200) << h;
    EXPECT_EQ(h.Json()["ok"], false);
    EXPECT_EQ(h.Json()["records"].size(), 2u) << h;
}

TEST_P(LogVerifyTest, AttributeOverridesViewsAndSoaDecisionsChangedBehindTheProgramsBackAreNamed) {
    Init("Acme AB");
    for (std::vector<std::string> args :
         {std::vector<std::string>{"controls", "tag", "5.22", "--set", "operational_capabilities=Governance"},
          {"views", "save", "detective-soc", "--where", "cybersecurity_concepts=Detect"},
          {"soa", "set", "5.1", "--applicability", "applicable", "--reason", "Policy set required", "--status",
           "implemented"},
          {"controls", "tag", "5.23", "--set", "security_domains=Protection"},
          {"controls", "tag", "5.23", "--reset-all"}}) {
        auto r = Isms(args);
        ASSERT_EQ(r.exit_code, 0) << r;
    }
    auto ok = Isms({"log", "verify"});
    ASSERT_EQ(ok.exit_code, 0) << "a reset override (kept as an empty row) is consistent: " << ok;
    for (const char* sql :
         {"UPDATE control_overrides SET attributes_json = '{\"control_type\":[\"Detective\"]}' WHERE control_id = '5.22'",
          "UPDATE views SET definition_json = REPLACE(definition_json, 'Detect', 'Protect')",
          "UPDATE soa_decisions SET notes = 'edited' WHERE control_id = '5.1'",
          "DELETE FROM control_overrides WHERE control_id = '5.23'"}) {
        auto r = store().Sql(sql);
        ASSERT_EQ(r.exit_code, 0) << r;
    }
    auto r = Isms({"--format", "json", "log", "verify"});
    EXPECT_EQ(r.exit_code, 1) << r;
    auto v = Json::parse(r.out);
    std::map<std::string, std::string> problems;
    for (const auto& p : v["records"]) problems[p["type"].get<std::string>() + " " + p["id"].get<std::string>()] = p["problem"];
    EXPECT_EQ(problems.size(), 3u) << v << " (the deleted empty override row means no override: consistent)";
    EXPECT_NE(problems["control_override iso27001-2022:5.22"].find("override"), std::string::npos) << v;
    EXPECT_NE(problems["view detective-soc"].find("where"), std::string::npos) << v;
    EXPECT_NE(problems["soa_decision 5.1"].find("notes"), std::string::npos) << v;
}

ISMS_INSTANTIATE_BACKENDS(LogVerifyTest);

}  // namespace
}  // namespace isms::integration
