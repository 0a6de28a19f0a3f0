// Every export validates against NIST's schema (JSON Schema and, written as XML, the XSD) and the rules.
#include "isms/oscal/exports.hpp"

#include <gtest/gtest.h>

#include "isms/oscal/validate.hpp"

namespace isms::oscal {
namespace {

std::string Problems(const Document& d) {
    std::string s;
    for (const auto& i : SchemaIssues(d)) s += "json " + i.path + ": " + i.message + "\n";
    for (const auto& i : XsdIssues(Write(d, Format::kXml))) s += "xsd " + i.path + ": " + i.message + "\n";
    for (const auto& i : RuleIssues(d))
        if (i.kind != "note") s += "rule " + i.path + ": " + i.message + "\n";
    return s;
}

ExportHeader Header(const std::string& title) {
    return {.organisation = "Kvarnberg Cloud AB", .title = title, .version = "3", .last_modified = "2024-06-01T12:00:00Z"};
}

SoaExport Soa() {
    SoaExport soa;
    soa.header = Header("Statement of Applicability");
    soa.catalog_href = "iso27002_catalog.json";
    soa.profile_href = "soa_profile.json";
    soa.system_name = "Payroll SaaS";
    soa.roles = {{"ciso", "CISO"}, {"it-ops", "IT operations"}};
    soa.entries = {{"a.5.1", true, "Required by the board.", "implemented", "Policy set approved 2024-03.", {"ciso"}, {"PER-1"}},
                   {"a.7.4", false, "No physical premises of our own.", "not-applicable", "", {}, {}},
                   {"a.8.15", true, "Risk R-7.", "partial", "", {"it-ops"}, {}}};
    soa.parties = {{"PER-1", "Karin Lund"}};
    return soa;
}

TEST(ExportsTest, SoaAsProfileSelectsTheApplicableControls) {
    Document p = ProfileFromSoa(Soa());
    EXPECT_EQ(Problems(p), "");
    EXPECT_EQ(p.body["imports"][0]["include-controls"][0]["with-ids"], Json({"a.5.1", "a.8.15"}));
    EXPECT_NE(p.body["metadata"]["remarks"].get<std::string>().find("a.7.4: No physical premises"), std::string::npos);
}

TEST(ExportsTest, SoaAsSspHasOneRequirementPerApplicableControl) {
    Document s = SspFromSoa(Soa());
    EXPECT_EQ(Problems(s), "");
    const Json& reqs = s.body["control-implementation"]["implemented-requirements"];
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[1]["props"][0]["value"], "partial");
    EXPECT_EQ(reqs[0]["responsible-roles"][0]["role-id"], "ciso");
    // The role's holder is a person party of the metadata.
    std::string holder = reqs[0]["responsible-roles"][0]["party-uuids"][0];
    bool found = false;
    for (const auto& p : s.body["metadata"]["parties"])
        if (p["uuid"] == holder) found = p["name"] == "Karin Lund" && p["type"] == "person";
    EXPECT_TRUE(found) << s.body["metadata"]["parties"].dump();
}

TEST(ExportsTest, ActionsAsPoam) {
    PoamExport p{Header("Plan of action"), "org-1",
                 {{"T-1", "Deploy log monitoring", "", "treatment", "open", "2024-09-30T00:00:00Z", "IT operations", {"a.8.15"}, "risk R-7"},
                  {"CA-2", "Fix access review gap", "Quarterly reviews were skipped.", "corrective", "in-progress", "", "", {}, "finding F-3"}}};
    Document d = PoamFromActions(p);
    EXPECT_EQ(Problems(d), "");
    EXPECT_EQ(d.body["poam-items"].size(), 2u);
    EXPECT_FALSE(d.body.contains("risks"));
}

TEST(ExportsTest, OpenRisksAreRisksOfThePoamWithTheirActionsAsRemediations) {
    PoamExport p{Header("Plan of action"), "org-1",
                 {{"A-1", "Deploy log monitoring", "", "treatment", "open", "2024-09-30T23:59:59Z", "IT operations", {"a.8.15"}, "risk R-7"}}};
    p.risks = {{"R-7", "Intrusion goes unnoticed", "", "remediating", "treatment_planned", 3, 4, "high", "Karin Lund",
                "2024-12-31T00:00:00Z", {"A-1"}},
               {"R-9", "Supplier outage", "Payroll provider down for a week.", "open", "assessed", 2, 5, "medium", "", "", {}}};
    Document d = PoamFromActions(p);
    EXPECT_EQ(Problems(d), "");
    const Json& risks = d.body["risks"];
    ASSERT_EQ(risks.size(), 2u);
    EXPECT_EQ(risks[0]["status"], "remediating");
    EXPECT_EQ(risks[0]["remediations"][0]["title"], "Deploy log monitoring");
    EXPECT_EQ(risks[0]["characterizations"][0]["facets"][1]["value"], "4");
    // The action's item refers to its risk; the risk without an action gets an item of its own.
    const Json& items = d.body["poam-items"];
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0]["related-risks"][0]["risk-uuid"], risks[0]["uuid"]);
    EXPECT_EQ(items[1]["related-risks"][0]["risk-uuid"], risks[1]["uuid"]);
    EXPECT_NE(items[1]["title"].get<std::string>().find("R-9"), std::string::npos);
}

TEST(ExportsTest, AuditAsAssessmentPlanAndResults) {
    AuditExport a{Header("Internal audit 2024-1"), "ssp.json", "AUD-2024-1", "Annex A sample", "2024-05-02T08:00:00Z",
                  "2024-05-03T16:00:00Z", {"a.5.1", "a.8.15"},
                  {{"F-3", "Access reviews skipped", "", "a.5.18", "not-satisfied"}, {"F-4", "Policy current", "", "a.5.1", "satisfied"}}};
    Document plan = AssessmentPlanFromAudit(a);
    EXPECT_EQ(Problems(plan), "");
    Document results = AssessmentResultsFromAudit(a);
    EXPECT_EQ(Problems(results), "");
    EXPECT_EQ(results.body["results"][0]["findings"].size(), 2u);
}

TEST(ExportsTest, ABrokenExportWouldBeCaught) {
    Document s = SspFromSoa(Soa());
    s.body["system-characteristics"].erase("system-name");
    EXPECT_NE(Problems(s), "");
}

}  // namespace
}  // namespace isms::oscal
