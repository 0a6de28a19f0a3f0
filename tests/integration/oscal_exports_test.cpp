// The demo organisation's SoA, treatment plan and open risks exported as OSCAL (isms oscal export
// profile|ssp|poam and /api/v1/oscal/soa/…, /api/v1/oscal/poam), on both backends: every output is valid
// against NIST's schema for its format (JSON Schema, XSD) and the profile resolves against the exported catalog
// to the applicable controls of the approved SoA.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

namespace fs = std::filesystem;

class OscalExportsTest : public IntegrationTest {};

TEST_P(OscalExportsTest, DemoSoaAndTreatmentPlanExportAsValidOscalInEachFormat) {
    Demo();
    fs::path dir = fs::temp_directory_path() / ("isms-oscal-exports-" + std::to_string(::getpid()) + "-" + GetParam());
    fs::create_directories(dir);
    for (const char* what : {"profile", "ssp", "poam"}) {
        for (const char* ext : {"json", "xml", "yaml"}) {
            SCOPED_TRACE(std::string(what) + "." + ext);
            fs::path out = dir / (std::string(what) + "." + ext);
            auto r = Isms({"oscal", "export", what, "-o", out.string()});
            ASSERT_EQ(r.exit_code, 0) << r;
            auto v = RunIsms({"--format", "json", "oscal", "validate", out.string()});
            EXPECT_EQ(v.exit_code, 0) << v;
        }
    }

    // The profile resolves against the catalog exported beside it under the name it imports, to the controls it
    // selects (that they are the approved SoA's applicable ones is checked over HTTP below).
    ASSERT_EQ(Isms({"oscal", "export", "catalog", "-o", (dir / "iso27001-2022_catalog.json").string()}).exit_code, 0);
    ASSERT_EQ(Isms({"oscal", "export", "profile", "-o", (dir / "soa_profile.json").string()}).exit_code, 0);
    auto resolved = RunIsms({"oscal", "resolve", (dir / "soa_profile.json").string()});
    ASSERT_EQ(resolved.exit_code, 0) << resolved;
    std::ifstream profile_in(dir / "soa_profile.json");
    std::set<std::string> applicable;
    Json profile = Json::parse(profile_in);
    for (const auto& id : profile["profile"]["imports"][0]["include-controls"][0]["with-ids"]) applicable.insert(id);
    ASSERT_GT(applicable.size(), 80u);
    std::set<std::string> got;
    Json catalog = Json::parse(resolved.out);
    for (const auto& g : catalog["catalog"]["groups"])
        for (const auto& c : g["controls"]) got.insert(c["id"]);
    EXPECT_EQ(got, applicable);

    // The SSP has one implemented requirement per applicable control; the POA&M lists the open actions.
    std::ifstream ssp_in(dir / "ssp.json");
    Json ssp = Json::parse(ssp_in)["system-security-plan"];
    EXPECT_EQ(ssp["control-implementation"]["implemented-requirements"].size(), applicable.size());
    std::ifstream poam_in(dir / "poam.json");
    Json poam = Json::parse(poam_in)["plan-of-action-and-milestones"];
    auto actions = Json::parse(Isms({"--format", "json", "risk", "action", "list"}).out);
    size_t open = 0;
    for (const auto& a : actions)
        if (a["status"] == "open" || a["status"] == "in_progress") ++open;
    // Treatment actions of the risk register, and the open corrective actions (10.2) evaluation adds.
    size_t treatment_items = 0, corrective_items = 0;
    for (const auto& i : poam["poam-items"])
        for (const auto& p : i.value("props", Json::array()))
            if (p["name"] == "action-kind") {
                if (p["value"] == "treatment") ++treatment_items;
                else if (p["value"] == "corrective") ++corrective_items;
                else ADD_FAILURE() << "unexpected action kind " << p["value"];
            }
    EXPECT_EQ(treatment_items, open);
    auto corrective = Json::parse(Isms({"--format", "json", "record", "list", "corrective_action"}).out);
    size_t open_corrective = 0;
    for (const auto& c : corrective["items"])
        if (c.value("state", "") != "closed" && c.value("state", "") != "cancelled") ++open_corrective;
    EXPECT_EQ(corrective_items, open_corrective);
    EXPECT_FALSE(poam["risks"].empty());

    // The current (unapproved) statement and a version that does not exist.
    EXPECT_EQ(Isms({"oscal", "export", "ssp", "--soa-version", "current"}).exit_code, 0);
    auto missing = Isms({"oscal", "export", "ssp", "--soa-version", "99"});
    EXPECT_EQ(missing.exit_code, 4) << missing;
    auto bad = Isms({"oscal", "export", "profile", "--soa-version", "newest"});
    EXPECT_EQ(bad.exit_code, 3) << bad;
    EXPECT_NE(bad.err.find("--soa-version"), std::string::npos) << bad;
    fs::remove_all(dir);
}

TEST_P(OscalExportsTest, ExportsOverHttpValidateAndFailClearly) {
    Demo();
    auto& http = StartServer().http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("kvarnberg", "viewer"));
    // The profile selects exactly the applicable controls of the latest approved version.
    auto versions = http.Get("/api/v1/soa/versions");
    ASSERT_EQ(versions.status, 200) << versions;
    Json list = versions.Json()["items"];
    ASSERT_FALSE(list.empty()) << versions;
    auto approved = http.Get("/api/v1/soa/versions/" + std::to_string(list.back()["version"].get<int>()));
    ASSERT_EQ(approved.status, 200) << approved;
    std::vector<std::string> applicable;
    Json version = approved.Json();
    for (const auto& e : version["entries"])
        if (e["applicability"] == "applicable") applicable.push_back("a." + e["control"].get<std::string>());
    auto profile = http.Get("/api/v1/oscal/soa/profile");
    ASSERT_EQ(profile.status, 200) << profile;
    EXPECT_EQ(profile.Json()["profile"]["imports"][0]["include-controls"][0]["with-ids"].get<std::vector<std::string>>(),
              applicable);

    for (const char* path : {"/api/v1/oscal/soa/profile", "/api/v1/oscal/soa/ssp", "/api/v1/oscal/poam"}) {
        for (const char* format : {"json", "xml"}) {
            SCOPED_TRACE(std::string(path) + " " + format);
            auto r = http.Get(std::string(path) + "?format=" + format);
            ASSERT_EQ(r.status, 200) << r;
            auto v = http.Send("POST", "/api/v1/oscal/validate", r.body,
                               std::string("application/") + format);
            ASSERT_EQ(v.status, 200) << v;
            EXPECT_TRUE(v.Json()["valid"].get<bool>()) << v.body.substr(0, 2000);
        }
    }
    EXPECT_EQ(http.Get("/api/v1/oscal/soa/ssp?version=99").status, 404);
    auto bad = http.Get("/api/v1/oscal/soa/profile?version=newest");
    EXPECT_EQ(bad.status, 400) << bad;
    EXPECT_NE(bad.body.find("version"), std::string::npos);
}

ISMS_INSTANTIATE_BACKENDS(OscalExportsTest);

}  // namespace
}  // namespace isms::integration
