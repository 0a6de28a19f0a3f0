// Management-review compilation: the pure pack from inputs, and compiling from the store at a cut-off date.
#include <gtest/gtest.h>

#include "isms/evaluation/test_fixture.hpp"
#include "isms/io/pdf_for_tests.hpp"

namespace isms::evaluation {
namespace {

using records::Record;
using testing_support::EvaluationTest;

Record Rec(std::string type, std::string id, std::string state, Json data) {
    Record r;
    r.type = std::move(type);
    r.id = std::move(id);
    r.state = std::move(state);
    r.title = data.value("title", r.id);
    r.data = std::move(data);
    return r;
}

const Json& Section(const Json& pack, const std::string& key) {
    for (const auto& s : pack["sections"])
        if (s["topic"] == key) return s;
    static const Json kNone;
    ADD_FAILURE() << "no section " << key;
    return kNone;
}

ReviewInputs Inputs() {
    ReviewInputs in;
    in.review_id = "MR-2";
    in.review_title = "Spring review";
    in.organisation = "Acme AB";
    in.cut_off = "2026-03-31";
    in.previous_review_id = "MR-1";
    in.previous_cut_off = "2025-09-30";
    in.names = {{"PER-1", "Anna"}};
    // a) two decisions of MR-1: one done, one overdue at the cut-off.
    in.previous_outputs = {
        Rec("improvement", "IMP-1", "done", {{"title", "Buy a SIEM"}, {"management_review", "MR-1"}, {"owner", "PER-1"},
                                             {"due_date", "2026-01-31"}}),
        Rec("improvement", "IMP-2", "approved", {{"title", "Hire"}, {"management_review", "MR-1"}, {"owner", "PER-1"},
                                                 {"due_date", "2026-02-28"}})};
    // b) one issue unchanged, one changed, one new, one closed.
    in.issues_before = {Rec("context_issue", "CTX-1", "active", {{"title", "Same"}}),
                        Rec("context_issue", "CTX-2", "active", {{"title", "Cloud"}, {"significance", "low"}}),
                        Rec("context_issue", "CTX-3", "active", {{"title", "Old"}})};
    in.issues = {Rec("context_issue", "CTX-1", "active", {{"title", "Same"}}),
                 Rec("context_issue", "CTX-2", "active", {{"title", "Cloud"}, {"significance", "high"}}),
                 Rec("context_issue", "CTX-3", "closed", {{"title", "Old"}}),
                 Rec("context_issue", "CTX-4", "active", {{"title", "NIS2"}})};
    // d1) one nonconformity of the period with an overdue action, one from before that is closed (left out).
    in.nonconformities = {
        Rec("nonconformity", "NC-3", "analysed", {{"title", "Access reviews"}, {"source", "internal_audit"},
                                                  {"severity", "minor"}, {"detected_on", "2026-02-10"}}),
        Rec("nonconformity", "NC-1", "closed", {{"title", "Old one"}, {"source", "incident"}, {"severity", "major"},
                                                {"detected_on", "2025-05-01"}, {"closed_on", "2025-06-01"}}),
        Rec("nonconformity", "NC-4", "open", {{"title", "Customer complaint"}, {"source", "complaint"},
                                              {"severity", "minor"}, {"detected_on", "2026-03-01"}})};
    in.corrective_actions = {Rec("corrective_action", "CA-7", "in_progress",
                                 {{"title", "Tickets"}, {"nonconformity", "NC-3"}, {"due_date", "2026-03-15"}})};
    // d2) one metric off target.
    MetricSummary m;
    m.spec.id = "MET-1";
    m.spec.name = "Patches";
    m.spec.unit = "%";
    m.spec.target = 95;
    m.series = {{"MET-1", "2026-02-28", 80, "", "", "", ""}, {"MET-1", "2026-03-31", 85, "", "", "", ""}};
    m.latest = m.series.back();
    m.status = "off_target";
    m.record = Rec("metric", "MET-1", "active", {{"objectives", {"OBJ-1"}}});
    in.metrics = {m};
    // d3) an audit that ended in the period with two findings.
    in.audits = {Rec("audit", "AUD-2", "completed", {{"title", "Spring audit"}, {"actual_end", "2026-03-10"}}),
                 Rec("audit", "AUD-1", "completed", {{"title", "Old audit"}, {"actual_end", "2025-04-01"}})};
    in.findings = {Rec("audit_finding", "FND-5", "open", {{"audit", "AUD-2"}, {"kind", "minor_nonconformity"},
                                                          {"raised_on", "2026-03-05"}}),
                   Rec("audit_finding", "FND-6", "open", {{"audit", "AUD-2"}, {"kind", "opportunity_for_improvement"},
                                                          {"raised_on", "2026-03-06"}, {"title", "Automate"}})};
    in.objectives = {Rec("objective", "OBJ-1", "in_progress", {{"title", "Patch fast"}, {"due_date", "2026-12-31"}})};
    in.improvements = in.previous_outputs;
    in.improvements.push_back(Rec("improvement", "IMP-3", "proposed", {{"title", "Idea"}, {"source", "suggestion"}}));
    in.risk.risks = 4;
    in.risk.assessed = 4;
    in.risk.inherent_by_level = {{"high", 2}, {"low", 2}};
    in.risk.residual_by_level = {{"high", 0}, {"low", 4}};
    return in;
}

TEST(ReviewCompileTest, OneSectionPerInputInTheStandardsOrder) {
    Json pack = CompilePack(Inputs());
    std::vector<std::string> ids;
    for (const auto& s : pack["sections"]) ids.push_back(s["id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "c", "d1", "d2", "d3", "d4", "e", "f", "g"}));
    EXPECT_EQ(pack["cut_off"], "2026-03-31");
    EXPECT_EQ(pack["previous_review"]["id"], "MR-1");
    // Pure: the same inputs give the same pack.
    EXPECT_EQ(pack, CompilePack(Inputs()));
}

TEST(ReviewCompileTest, ActionsOfEarlierReviewsShowWhichAreOverdueAtTheCutOff) {
    Json pack = CompilePack(Inputs());
    const Json& a = Section(pack, "previous_actions");
    EXPECT_EQ(a["summary"], "2 actions: 1 done, 1 open (1 overdue).");
    ASSERT_EQ(a["items"].size(), 2u);
    EXPECT_EQ(a["items"][1]["overdue"], true);
    EXPECT_EQ(a["marks"][1], "bad");
}

TEST(ReviewCompileTest, ChangesSinceThePreviousReviewAreNewChangedAndEnded) {
    Json pack = CompilePack(Inputs());
    const Json& b = Section(pack, "issue_changes");
    EXPECT_EQ(b["summary"], "1 new, 1 changed, 1 ended, 1 unchanged since the previous review.");
    std::map<std::string, std::string> change;
    for (const auto& i : b["items"]) change[i["id"]] = i["change"];
    EXPECT_EQ(change["CTX-2"], "changed");
    EXPECT_EQ(change["CTX-3"], "ended");
    EXPECT_EQ(change["CTX-4"], "new");
    EXPECT_FALSE(change.count("CTX-1"));
    for (const auto& i : b["items"])
        if (i["id"] == "CTX-2") {
            EXPECT_EQ(i["fields"], Json::array({"significance"}));
        }
    // A first review lists what is current instead.
    auto in = Inputs();
    in.previous_review_id.clear();
    in.previous_cut_off.clear();
    in.issues_before.clear();
    Json first_pack = CompilePack(in);
    const Json& first = Section(first_pack, "issue_changes");
    EXPECT_EQ(first["summary"], "First review: 4 entries recorded.");
}

TEST(ReviewCompileTest, PerformanceSectionsCountThePeriod) {
    Json pack = CompilePack(Inputs());
    const Json& d1 = Section(pack, "nonconformities");
    // NC-3 and NC-4 fall in the period; NC-1 was closed before it and is left out.
    ASSERT_EQ(d1["items"].size(), 2u);
    EXPECT_EQ(d1["items"][0]["id"], "NC-3");
    EXPECT_EQ(d1["items"][0]["corrective_actions"][0]["overdue"], true);
    EXPECT_NE(d1["summary"].get<std::string>().find("2 nonconformities from 2025-09-30 to 2026-03-31 (1 in the period "
                                                    "before); 2 open"),
              std::string::npos)
        << d1["summary"];
    const Json& d2 = Section(pack, "measurements");
    EXPECT_EQ(d2["items"][0]["status"], "off_target");
    EXPECT_EQ(d2["marks"][0], "bad");
    const Json& d3 = Section(pack, "audit_results");
    ASSERT_EQ(d3["items"].size(), 1u);
    EXPECT_EQ(d3["items"][0]["findings"]["minor_nonconformity"], 1);
    const Json& d4 = Section(pack, "objectives");
    EXPECT_EQ(d4["items"][0]["metrics"], Json::array({"MET-1 off_target"}));
    const Json& e = Section(pack, "interested_party_feedback");
    ASSERT_EQ(e["items"].size(), 1u);
    EXPECT_EQ(e["items"][0]["id"], "NC-4");
    const Json& f = Section(pack, "risk");
    EXPECT_NE(f["summary"].get<std::string>().find("high 2 → 0, low 2 → 4"), std::string::npos) << f["summary"];
    const Json& g = Section(pack, "improvement_opportunities");
    std::vector<std::string> ids;
    for (const auto& i : g["items"]) ids.push_back(i["id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{"IMP-2", "IMP-3", "FND-6"}));
}

TEST(ReviewCompileTest, ThePackPrintsAsHtmlAndPdf) {
    Json pack = CompilePack(Inputs());
    auto report = PackReport(pack);
    std::string html = io::RenderHtml(report);
    EXPECT_NE(html.find("d1) Nonconformities and corrective actions"), std::string::npos);
    EXPECT_NE(html.find("<svg"), std::string::npos);  // the metric's chart
    std::string pdf = io::RenderPdf(report);
    EXPECT_TRUE(io::testing_support::PdfStructureProblems(pdf).empty());
    std::string text = io::testing_support::PdfToText(pdf);
    ASSERT_FALSE(text.empty());
    EXPECT_NE(text.find("g) Opportunities for continual improvement"), std::string::npos);
    EXPECT_NE(text.find("CA-7 in_progress"), std::string::npos) << text;
    EXPECT_NE(text.find("(overdue)"), std::string::npos) << text;
}

// ---- From the store --------------------------------------------------------------------------------------

class ReviewStoreTest : public EvaluationTest {};

TEST_P(ReviewStoreTest, AFutureCutOffIsRejectedAndHoldingNeedsCompiledInputs) {
    auto e = Catch([&] {
        Add("management_review", {{"title", "Review"}, {"meeting_date", Day(5)}, {"cut_off", Day(1)}, {"chair", "PER-1"}});
    });
    EXPECT_NE(Problem(e, "cut_off").find("future"), std::string::npos) << e.what();
    std::string mr = Add("management_review", {{"title", "Review"}, {"meeting_date", Day(0)}, {"cut_off", Day(-1)},
                                               {"chair", "PER-1"}, {"minutes", "Held"}});
    e = Catch([&] { reviews_->Compile(ctx_, mr, "Acme AB", Day(2)); });
    EXPECT_NE(Problem(e, "cut_off").find("future"), std::string::npos) << e.what();
    e = Catch([&] { Move("management_review", mr, {"hold"}); });
    EXPECT_NE(Problem(e, "cut_off").find("compile"), std::string::npos) << e.what();
    EXPECT_EQ(Catch([&] { reviews_->Pack(ctx_, mr); }).code(), ErrorCode::kNotFound);
    reviews_->Compile(ctx_, mr, "Acme AB");
    // A cut-off changed after compiling needs a new compilation.
    Edit("management_review", mr, {{"cut_off", Day(0)}});
    e = Catch([&] { Move("management_review", mr, {"hold"}); });
    EXPECT_NE(Problem(e, "cut_off").find("again"), std::string::npos) << e.what();
    auto p = reviews_->Compile(ctx_, mr, "Acme AB");
    EXPECT_EQ(p.compilation, 2);
    Move("management_review", mr, {"hold"});
    Edit("management_review", mr, {{"conclusions", "Fine"}});
    Move("management_review", mr, {"approve"});
    EXPECT_EQ(Catch([&] { reviews_->Compile(ctx_, mr, "Acme AB"); }).code(), ErrorCode::kConflict);
    EXPECT_EQ(reviews_->Compilations(ctx_, mr).size(), 2u);
}

TEST_P(ReviewStoreTest, InputsAreCompiledAsTheyStoodAtTheCutOff) {
    // Everything in this store was recorded today: as of yesterday none of it existed.
    Add("context_issue", {{"title", "Ransomware"}, {"origin", "external"}, {"category", "technological"},
                          {"effect", "x"}, {"owner", "PER-1"}});
    std::string metric = Metric();
    MeasurementInput old_value, new_value;
    old_value.date = Day(-3);
    old_value.value = 80;
    new_value.date = Day(0);
    new_value.value = 99;
    metrics_->Record(ctx_, metric, {old_value, new_value}, "manual");
    std::string mr = Add("management_review", {{"title", "Review"}, {"meeting_date", Day(0)}, {"cut_off", Day(-1)},
                                               {"chair", "PER-1"}});
    auto yesterday = reviews_->Compile(ctx_, mr, "Acme AB");
    EXPECT_TRUE(Section(yesterday.pack, "issue_changes")["items"].empty());
    EXPECT_TRUE(Section(yesterday.pack, "measurements")["items"].empty());
    auto today = reviews_->Compile(ctx_, mr, "Acme AB", Day(0));
    EXPECT_EQ(Section(today.pack, "issue_changes")["items"].size(), 1u);
    const Json& d2 = Section(today.pack, "measurements");
    ASSERT_EQ(d2["items"].size(), 1u);
    EXPECT_EQ(d2["items"][0]["latest"], 99);
    // Stored with its hash; the newest compilation is the pack; earlier ones stay readable.
    auto stored = reviews_->Pack(ctx_, mr);
    EXPECT_EQ(stored.compilation, 2);
    EXPECT_EQ(stored.sha256, today.sha256);
    EXPECT_EQ(stored.pack, today.pack);
    EXPECT_EQ(reviews_->Pack(ctx_, mr, 1).pack, yesterday.pack);
    // Outputs become tracked improvements that the next review reports under a).
    auto out = reviews_->AddOutput(ctx_, mr, {{"title", "More metrics"}, {"description", "x"}, {"owner", "PER-1"},
                                              {"due_date", Day(30)}});
    EXPECT_EQ(out.data["source"], "management_review");
    EXPECT_EQ(reviews_->Outputs(ctx_, mr).size(), 1u);
    Edit("management_review", mr, {{"cut_off", Day(-1)}});
    std::string next = Add("management_review", {{"title", "Next"}, {"meeting_date", Day(0)}, {"cut_off", Day(0)},
                                                 {"chair", "PER-1"}});
    auto p = reviews_->Compile(ctx_, next, "Acme AB");
    EXPECT_EQ(p.pack["previous_review"]["id"], mr);
    EXPECT_EQ(Section(p.pack, "previous_actions")["items"][0]["id"], out.id);
    // Other organisations see none of it.
    Context other = ctx_;
    other.org_id = "o2";
    EXPECT_EQ(Catch([&] { reviews_->Pack(other, mr); }).code(), ErrorCode::kNotFound);
}

ISMS_INSTANTIATE_EVALUATION(ReviewStoreTest);

}  // namespace
}  // namespace isms::evaluation
