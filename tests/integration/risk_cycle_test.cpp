// The risk and SoA cycle of 27001 6.1.2–6.1.3 and 8.2–8.3 for the demo organisation, through the real binary
// on both backends: an asset → a risk on it → treatment with two controls, one of which the approved SoA
// excludes → `soa check` finds the contradiction and approval is refused → the decision is changed →
// approval of the next version → a further change → the diff between the versions shows exactly that.
// The same state is then read over HTTP (risk, SoA entry, versions, diff, exports) as a signed-in account.
#include <algorithm>
#include <chrono>
#include <set>

#include "isms/core/time.hpp"
#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

class RiskCycleTest : public IntegrationTest {
protected:
    // Runs the CLI with --format json and parses standard output; fails the test unless it exits 0.
    Json IsmsJson(std::vector<std::string> args) {
        args.insert(args.begin(), {"--format", "json"});
        auto r = Isms(args);
        EXPECT_EQ(r.exit_code, 0) << r;
        try {
            return Json::parse(r.out);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r;
            return nullptr;
        }
    }
};

TEST_P(RiskCycleTest, AssetRiskTreatmentSoaApprovalChangeDiff) {
    Demo();
    // The demo's statement is approved once and decided for every control; 8.30 is excluded.
    auto v1 = IsmsJson({"soa", "get", "8.30"});
    ASSERT_EQ(v1["applicability"], "not_applicable") << v1;
    ASSERT_EQ(Isms({"soa", "check"}).exit_code, 0);

    // An asset and a risk on it, scored on the demo's 5 × 5 criteria.
    auto asset = Isms({"record", "add", "asset", "--set", "name=Mobile payroll app", "--set", "asset_type=software",
                       "--set", "owner=PER-3", "--set", "classification=confidential"});
    ASSERT_EQ(asset.exit_code, 0) << asset;
    const std::string asset_id = asset.out.substr(asset.out.find("AST-"), asset.out.find(' ', asset.out.find("AST-")) -
                                                                             asset.out.find("AST-"));
    auto risk = IsmsJson({"risk", "add", "--title", "Contracted app developers ship insecure code", "--owner", "PER-3",
                          "--asset", asset_id, "--threat", "T14", "--vuln", "V14", "--cia", "CI", "-l", "4", "-c",
                          "4"});
    const std::string risk_id = risk.value("id", "");
    ASSERT_FALSE(risk_id.empty()) << risk;
    EXPECT_EQ(risk["inherent"]["level"], "high") << risk;

    // A score outside the scale is refused and changes nothing.
    auto bad = Isms({"risk", "assess", risk_id, "-l", "6", "-c", "4"});
    EXPECT_EQ(bad.exit_code, 3) << bad;
    EXPECT_NE(bad.err.find("1"), std::string::npos) << bad;
    EXPECT_EQ(IsmsJson({"risk", "history", risk_id}).size(), 1u);

    // Treatment with two Annex A controls, one of them excluded by the approved statement.
    auto treated = Isms({"risk", "treat", risk_id, "--option", "modify", "--control", "8.30", "--control", "8.28",
                         "--plan", "Secure-coding clauses in the contract; our own review of every release",
                         "--residual-likelihood", "2", "--residual-consequence", "3"});
    ASSERT_EQ(treated.exit_code, 0) << treated;
    auto entry = IsmsJson({"soa", "get", "8.30"});
    EXPECT_EQ(entry["risks"], Json::array({risk_id})) << entry;

    // The "none overlooked" comparison finds the contradiction; approval is refused while it is open.
    auto check = Isms({"--format", "json", "soa", "check"});
    EXPECT_EQ(check.exit_code, 1) << check;
    EXPECT_NE(check.out.find("8.30"), std::string::npos) << check;
    auto refused = Isms({"soa", "approve", "--comment", "after the app risk"});
    EXPECT_EQ(refused.exit_code, 5) << refused;
    EXPECT_EQ(IsmsJson({"soa", "versions"}).size(), 1u) << "nothing was approved";

    // The decision follows the treatment; version 2 is approved.
    ASSERT_EQ(Isms({"soa", "set", "8.30", "--applicability", "applicable", "--reason",
                    "The mobile app is built by a contracted team (risk " + risk_id + ")", "--status", "planned"})
                  .exit_code,
              0);
    EXPECT_EQ(Isms({"soa", "check"}).exit_code, 0);
    ASSERT_EQ(Isms({"soa", "approve", "--comment", "Outsourced app development in scope"}).exit_code, 0);
    // A later change, approved as version 3.
    ASSERT_EQ(Isms({"soa", "set", "8.30", "--status", "implemented"}).exit_code, 0);
    ASSERT_EQ(Isms({"soa", "approve", "--comment", "Contract clauses signed"}).exit_code, 0);
    auto versions = IsmsJson({"soa", "versions"});
    ASSERT_EQ(versions.size(), 3u) << versions;

    // The differences name exactly what changed, version by version.
    auto diff12 = IsmsJson({"soa", "diff", "v1", "v2"})["changes"];
    std::set<std::string> fields12;
    for (const auto& c : diff12) {
        // 8.30 was decided again; 8.28 gained the risk as a justification; 5.7 is the demo's own change made
        // after its version 1.
        EXPECT_TRUE(c["control"] == "8.30" || (c["control"] == "8.28" && c["field"] == "risks") ||
                    c["control"] == "5.7")
            << c;
        if (c["control"] == "8.30") fields12.insert(c.value("field", ""));
    }
    EXPECT_TRUE(fields12.count("applicability")) << diff12;
    EXPECT_TRUE(fields12.count("status")) << diff12;
    auto diff23 = IsmsJson({"soa", "diff", "2", "3"})["changes"];
    ASSERT_EQ(diff23.size(), 1u) << diff23;
    EXPECT_EQ(diff23[0]["field"], "status");
    EXPECT_EQ(diff23[0]["before"], "planned");
    EXPECT_EQ(diff23[0]["after"], "implemented");

    // The same over HTTP, signed in as the demo's risk owner.
    auto& server = StartServer();
    auto http = server.NewClient();
    SignIn(http, "maria", "kvarnberg-risk-owner");
    auto r = http.Get("/api/v1/risks/" + risk_id);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.Json()["treatment"]["controls"], Json::array({"8.30", "8.28"})) << r;
    EXPECT_EQ(r.Json()["treatment"]["residual"]["level"], "medium") << r;
    auto selected = http.Get("/api/v1/risks?where=" + UrlEncode("controls = 8.30 and level = high"));
    ASSERT_EQ(selected.status, 200) << selected;
    ASSERT_EQ(selected.Json()["items"].size(), 1u) << selected;
    EXPECT_EQ(selected.Json()["items"][0]["id"], risk_id);
    auto e = http.Get("/api/v1/soa/controls/8.30");
    ASSERT_EQ(e.status, 200) << e;
    EXPECT_EQ(e.Json()["status"], "implemented");
    auto d = http.Get("/api/v1/soa/diff?from=2&to=3");
    ASSERT_EQ(d.status, 200) << d;
    EXPECT_EQ(d.Json()["changes"].size(), 1u) << d;
    auto xlsx = http.Get("/api/v1/soa/export.xlsx?version=3");
    ASSERT_EQ(xlsx.status, 200) << xlsx.status;
    EXPECT_EQ(xlsx.body.substr(0, 2), "PK") << "an XLSX file is a ZIP archive";
    auto heat = http.Get("/api/v1/risk/heatmap.svg");
    ASSERT_EQ(heat.status, 200) << heat.status;
    EXPECT_NE(heat.body.find("<svg"), std::string::npos);
    // A risk owner may not approve the statement.
    EXPECT_EQ(http.Post("/api/v1/soa/versions", {{"comment", "not mine to approve"}}).status, 403);

    // Every step is in the one unbroken change log.
    EXPECT_EQ(Isms({"log", "verify"}).exit_code, 0);
}

// 6.1.3 f: a residual level the criteria reserve for top management is accepted by an owner who belongs to top
// management (the demo's R-1, owned by the CTO, who holds the top-management role), and refused for an owner
// who does not, and for anyone who is not the owner.
TEST_P(RiskCycleTest, TopManagementOwnerAcceptsAHighResidualOthersAreRefused) {
    Demo();
    // The demo itself holds a formal acceptance of a High residual by top management.
    auto accepted = IsmsJson({"risk", "acceptances", "R-1"});
    ASSERT_EQ(accepted.size(), 1u) << accepted;
    EXPECT_EQ(accepted[0]["person"], "PER-3") << accepted;
    EXPECT_EQ(accepted[0]["authority"], "top_management") << accepted;
    EXPECT_EQ(accepted[0]["current"], "yes") << accepted;
    EXPECT_EQ(IsmsJson({"risk", "show", "R-1"})["treatment"]["residual"]["level"], "high");

    // A High residual owned by the CISO, who is not top management.
    auto risk = IsmsJson({"risk", "add", "--approach", "scenario", "--title", "Payroll run tampered by an insider",
                          "--owner", "PER-1", "--scenario", "An administrator alters salary files before payment",
                          "--cia", "I", "-l", "4", "-c", "4"});
    const std::string risk_id = risk.value("id", "");
    ASSERT_FALSE(risk_id.empty()) << risk;
    ASSERT_EQ(Isms({"risk", "treat", risk_id, "--option", "modify", "--control", "8.2", "--plan",
                    "Four-eyes approval of salary files", "--residual-likelihood", "3", "--residual-consequence", "4"})
                  .exit_code,
              0);
    ASSERT_EQ(IsmsJson({"risk", "show", risk_id})["treatment"]["residual"]["level"], "high");
    auto refused = Isms({"risk", "accept", risk_id, "--person", "PER-1", "--comment", "We can live with it"});
    EXPECT_EQ(refused.exit_code, 6) << refused;
    EXPECT_NE(refused.err.find("reserves for top management"), std::string::npos) << refused;

    auto& server = StartServer();
    auto anna = server.NewClient();
    SignIn(anna, "anna", "kvarnberg-isms-manager");
    auto by_owner = anna.Post("/api/v1/risks/" + risk_id + "/acceptance", {{"comment", "We can live with it"}});
    EXPECT_EQ(by_owner.status, 403) << by_owner;
    EXPECT_NE(by_owner.body.find("does not belong to top management"), std::string::npos) << by_owner;
    auto maria = server.NewClient();
    SignIn(maria, "maria", "kvarnberg-risk-owner");
    // Top management, but not the owner.
    auto not_owner = maria.Post("/api/v1/risks/" + risk_id + "/acceptance", {{"comment", "Accepted for the CISO"}});
    EXPECT_EQ(not_owner.status, 403) << not_owner;
    EXPECT_NE(not_owner.body.find("only the risk owner"), std::string::npos) << not_owner;
    EXPECT_TRUE(IsmsJson({"risk", "acceptances", risk_id}).empty());
    // The owner who is top management accepts R-1's High residual again, as in docs/risk.md.
    auto ok = maria.Post("/api/v1/risks/R-1/acceptance",
                         {{"comment", "High residual accepted until break-glass accounts exist (Q3)"}});
    ASSERT_EQ(ok.status, 201) << ok;
    EXPECT_EQ(ok.Json()["acceptance"]["person"], "PER-3") << ok;
    EXPECT_EQ(ok.Json()["acceptance"]["authority"], "top_management") << ok;
    auto cli = Isms({"risk", "accept", "R-1", "--person", "PER-3", "--comment",
                     "High residual accepted until break-glass accounts exist (Q3)"});
    EXPECT_EQ(cli.exit_code, 0) << cli;
    EXPECT_NE(cli.out.find("accepted by PER-3 (top_management)"), std::string::npos) << cli;
    EXPECT_EQ(IsmsJson({"risk", "acceptances", "R-1"}).size(), 3u);

    // Readiness of the demo: top management is named and holds its role (5.1).
    auto readiness = maria.Get("/api/v1/readiness");
    ASSERT_EQ(readiness.status, 200) << readiness;
    std::string status_51;
    const Json report = readiness.Json();
    for (const auto& c : report["clauses"])
        for (const auto& i : c["items"])
            if (i["clause"] == "5.1") status_51 = i["status"].get<std::string>();
    EXPECT_EQ(status_51, "met") << readiness;
}

// 27001 8.2: risks are assessed at planned intervals. A risk whose review date has passed is due with the
// records (CLI and API, oldest first, whatever the type); a closed one is not.
TEST_P(RiskCycleTest, RisksDueForReviewAreListedWithTheRecordsDue) {
    Demo();
    auto due_risks = [&](const Json& items) {
        std::vector<std::string> ids;
        for (const auto& d : items)
            if (d["type"] == "risk") ids.push_back(d["id"]);
        return ids;
    };
    // The demo's last risk missed its review twelve days ago.
    auto now = IsmsJson({"record", "due", "--within", "0"});
    auto overdue = due_risks(now);
    ASSERT_EQ(overdue.size(), 1u) << now;
    const std::string slipped = overdue[0];
    for (const auto& d : now)
        if (d["id"] == slipped) {
            EXPECT_EQ(d["days"], "-12") << d;
            EXPECT_EQ(d["state"], IsmsJson({"risk", "show", slipped})["status"]) << d;
        }
    std::vector<std::string> dates;
    for (const auto& d : now) dates.push_back(d["due"]);
    EXPECT_TRUE(std::is_sorted(dates.begin(), dates.end())) << now;

    // A risk to review in ten days is due within 30, not today.
    auto soon = IsmsJson({"risk", "add", "--approach", "scenario", "--title", "Payroll files sent to the wrong bank",
                          "--owner", "PER-1", "--scenario", "A changed bank file format goes unnoticed", "--cia", "I",
                          "-l", "2", "-c", "4", "--review-date",
                          time::FormatDate(*time::ParseDate(time::Today()) + std::chrono::days{10})});
    const std::string soon_id = soon.value("id", "");
    ASSERT_FALSE(soon_id.empty()) << soon;
    EXPECT_EQ(due_risks(IsmsJson({"record", "due", "--within", "0"})), std::vector<std::string>{slipped});
    EXPECT_EQ(due_risks(IsmsJson({"record", "due", "--within", "30"})), (std::vector<std::string>{slipped, soon_id}));

    // The API's due list has them too; a closed risk is no longer due.
    auto& server = StartServer();
    auto anna = server.NewClient();
    SignIn(anna, "anna", "kvarnberg-isms-manager");
    auto api = anna.Get("/api/v1/records-due?within=30");
    ASSERT_EQ(api.status, 200) << api;
    EXPECT_EQ(due_risks(api.Json()["items"]), (std::vector<std::string>{slipped, soon_id})) << api;
    for (const auto& d : api.Json()["items"])
        if (d["id"] == soon_id) {
            EXPECT_EQ(d["days_left"], 10) << d;
            EXPECT_EQ(d["type_title"], "Risk") << d;
        }
    ASSERT_EQ(Isms({"risk", "edit", slipped, "--close"}).exit_code, 0);
    EXPECT_EQ(due_risks(anna.Get("/api/v1/records-due?within=30").Json()["items"]), std::vector<std::string>{soon_id});
}

ISMS_INSTANTIATE_BACKENDS(RiskCycleTest);

}  // namespace
}  // namespace isms::integration
