// Readiness rules: held to the reference data's documented information, and evaluated on hand-made facts and on
// a store.
#include <gtest/gtest.h>

#include <fstream>

#include "isms/evaluation/test_fixture.hpp"
#include "isms/io/csv.hpp"

namespace isms::evaluation {
namespace {

using records::Record;
using testing_support::EvaluationTest;

// The clauses as the reference data file has them (the product's own copy).
std::vector<Clause> ClausesFromFile() {
    std::ifstream in(std::string(ISMS_SOURCE_DIR) + "/data/iso27001-2022/clauses.csv");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto doc = io::ParseCsv(text);
    std::vector<Clause> out;
    int pos = 0;
    for (const auto& r : doc.records)
        out.push_back({r.fields[doc.Column("id")], r.fields[doc.Column("title")],
                       r.fields[doc.Column("documented_information_required")], ++pos});
    return out;
}

ReadinessFacts Empty() {
    ReadinessFacts f;
    f.today = "2026-06-15";
    f.clauses = ClausesFromFile();
    return f;
}

Record Rec(std::string type, std::string id, std::string state, Json data = Json::object(),
           std::optional<std::string> next_review = std::nullopt) {
    Record r;
    r.type = std::move(type);
    r.id = std::move(id);
    r.state = std::move(state);
    r.title = r.id;
    r.data = std::move(data);
    r.next_review = std::move(next_review);
    return r;
}

const ReadinessItem& Item(const Readiness& r, const std::string& clause, size_t n = 0) {
    for (const auto& c : r.clauses)
        for (const auto& i : c.items)
            if (i.clause == clause && n-- == 0) return i;
    static ReadinessItem none;
    ADD_FAILURE() << "no item for " << clause;
    return none;
}

TEST(ReadinessRulesTest, EveryDocumentedInformationOfTheReferenceDataHasAMandatoryItem) {
    auto clauses = ClausesFromFile();
    ASSERT_GE(clauses.size(), 41u);
    Readiness r = Evaluate(Empty());
    int required = 0;
    for (const auto& c : clauses) {
        if (c.documented_information.empty()) continue;
        ++required;
        bool found = false;
        for (const auto& cl : r.clauses)
            for (const auto& i : cl.items)
                if (i.clause == c.id && i.mandatory) {
                    found = true;
                    EXPECT_EQ(i.documented_information, c.documented_information) << c.id;
                }
        EXPECT_TRUE(found) << "clause " << c.id << " requires documented information (" << c.documented_information
                           << ") but no readiness rule expects it";
    }
    EXPECT_GE(required, 13);
    // And no item claims to be mandatory for a clause that requires nothing.
    for (const auto& cl : r.clauses)
        for (const auto& i : cl.items)
            if (i.mandatory) {
                EXPECT_FALSE(i.documented_information.empty()) << i.clause << " " << i.expectation;
            }
}

TEST(ReadinessRulesTest, AnEmptyIsmsMissesEveryMandatoryItem) {
    Readiness r = Evaluate(Empty());
    EXPECT_FALSE(r.ok());
    int mandatory = 0;
    for (const auto& c : r.clauses)
        for (const auto& i : c.items) {
            // 10.2 too: an empty register with nothing that looked for nonconformities is no evidence.
            mandatory += i.mandatory;
            if (i.mandatory) {
                EXPECT_EQ(i.status, "missing") << i.clause << " " << i.expectation;
            }
            EXPECT_FALSE(i.expectation.empty());
        }
    EXPECT_EQ(r.mandatory_missing, mandatory);
    std::vector<std::string> ids;
    for (const auto& c : r.clauses) {
        ids.push_back(c.id);
        EXPECT_FALSE(c.hint.empty()) << c.id;
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"4", "5", "6", "7", "8", "9", "10", "A"}));
    EXPECT_LT(r.score, 25);
}

TEST(ReadinessRulesTest, ScopeIsMetStaleOrPartialByStateAndReviewDate) {
    auto f = Empty();
    f.records["scope_statement"] = {Rec("scope_statement", "SCO-1", "approved", {}, "2026-12-01")};
    EXPECT_EQ(Item(Evaluate(f), "4.3").status, "met");
    f.records["scope_statement"] = {Rec("scope_statement", "SCO-1", "approved", {}, "2026-06-01")};
    auto stale = Item(Evaluate(f), "4.3");
    EXPECT_EQ(stale.status, "stale");
    EXPECT_EQ(stale.refs, std::vector<std::string>{"SCO-1"});
    f.records["scope_statement"] = {Rec("scope_statement", "SCO-2", "draft")};
    EXPECT_EQ(Item(Evaluate(f), "4.3").status, "partial");
}

TEST(ReadinessRulesTest, ScoresCountMetAsOneAndPartialOrStaleAsHalf) {
    auto f = Empty();
    f.records["scope_statement"] = {Rec("scope_statement", "SCO-1", "approved", {}, "2026-12-01")};
    f.records["context_issue"] = {Rec("context_issue", "CTX-1", "active", {{"origin", "internal"}}, "2026-12-01")};
    Readiness r = Evaluate(f);
    const ClauseReadiness& c4 = r.clauses[0];
    // 4.1 partial (no external issue), 4.2 missing, 4.3 met, 4.4 missing: (0.5 + 0 + 1 + 0) / 4.
    EXPECT_EQ(Item(r, "4.1").status, "partial");
    EXPECT_EQ(Item(r, "4.1").gap, "no external issue recorded");
    EXPECT_EQ(c4.score, 38);
    double total = 0;
    for (const auto& c : r.clauses)
        for (const auto& i : c.items)
            total += i.status == "met" ? 1 : i.status == "missing" ? 0 : 0.5;
    EXPECT_EQ(r.score, static_cast<int>(std::lround(100 * total / r.items)));
}

TEST(ReadinessRulesTest, NoNonconformitiesAreEvidenceOnlyAfterARecentAuditLookedForThem) {
    auto f = Empty();
    // The process has never run: "none recorded" is not "none occurred".
    for (size_t n : {0u, 1u}) {
        auto never = Item(Evaluate(f), "10.2", n);
        EXPECT_EQ(never.status, "missing") << n << ": " << never.found;
        EXPECT_NE(never.found.find("nothing shows the process has run"), std::string::npos) << never.found;
    }
    f.records["audit"] = {Rec("audit", "AUD-1", "completed", {{"actual_end", "2025-03-01"}})};
    EXPECT_EQ(Item(Evaluate(f), "10.2").status, "partial");  // an audit, but more than 12 months ago
    f.records["audit"][0].data["actual_end"] = "2026-03-01";
    for (size_t n : {0u, 1u}) {
        auto none_found = Item(Evaluate(f), "10.2", n);
        EXPECT_EQ(none_found.status, "met") << n;
        EXPECT_EQ(none_found.refs, std::vector<std::string>{"AUD-1"});
    }
    // A nonconformity closed without actions counts with its reason.
    f.records["nonconformity"] = {Rec("nonconformity", "NC-1", "closed", {{"no_action_reason", "One-off typo"}})};
    EXPECT_EQ(Item(Evaluate(f), "10.2", 1).status, "met");
    EXPECT_EQ(Item(Evaluate(f), "10.2", 1).refs, std::vector<std::string>{"NC-1"});
    f.records["nonconformity"].push_back(Rec("nonconformity", "NC-2", "open", {}, "2026-07-01"));
    EXPECT_EQ(Item(Evaluate(f), "10.2", 1).status, "partial");  // NC-2 has no action decided yet
}

TEST(ReadinessRulesTest, OnlyActionsWithTheResultEffectiveCountAsClosedAsEffective) {
    auto f = Empty();
    f.records["nonconformity"] = {Rec("nonconformity", "NC-1", "analysed", {}, "2026-07-01")};
    f.records["corrective_action"] = {
        Rec("corrective_action", "CA-1", "closed", {{"nonconformity", "NC-1"}}),  // no result recorded
        Rec("corrective_action", "CA-2", "implemented",
            {{"nonconformity", "NC-1"}, {"effectiveness_result", "not_effective"}})};
    auto i = Item(Evaluate(f), "10.2", 1);
    EXPECT_EQ(i.found, "2 corrective actions, 0 closed as effective");
    EXPECT_EQ(i.status, "partial");
    EXPECT_EQ(i.refs, std::vector<std::string>{"CA-2"});
    EXPECT_NE(i.gap.find("not effective"), std::string::npos) << i.gap;
    f.records["corrective_action"].pop_back();
    i = Item(Evaluate(f), "10.2", 1);
    EXPECT_EQ(i.status, "partial");
    EXPECT_NE(i.gap.find("without an effective result"), std::string::npos) << i.gap;
    f.records["corrective_action"][0].data["effectiveness_result"] = "effective";
    i = Item(Evaluate(f), "10.2", 1);
    EXPECT_EQ(i.status, "met");
    EXPECT_EQ(i.found, "1 corrective actions, 1 closed as effective");
}

TEST(ReadinessRulesTest, NonconformityFindingsWithoutANonconformityAreMissing) {
    auto f = Empty();
    f.records["audit_finding"] = {Rec("audit_finding", "FND-1", "open", {{"kind", "major_nonconformity"}}),
                                  Rec("audit_finding", "FND-2", "open", {{"kind", "observation"}})};
    auto i = Item(Evaluate(f), "10.2");
    EXPECT_EQ(i.status, "missing");
    EXPECT_EQ(i.refs, std::vector<std::string>{"FND-1"});
    f.records["nonconformity"] = {Rec("nonconformity", "NC-1", "analysed", {{"finding", "FND-1"}}, "2026-07-01")};
    EXPECT_EQ(Item(Evaluate(f), "10.2").status, "met");
    // Its corrective action: none decided → missing; implemented but unchecked → partial; closed → met.
    EXPECT_EQ(Item(Evaluate(f), "10.2", 1).status, "missing");
    f.records["corrective_action"] = {Rec("corrective_action", "CA-1", "implemented", {{"nonconformity", "NC-1"}})};
    EXPECT_EQ(Item(Evaluate(f), "10.2", 1).status, "partial");
    f.records["corrective_action"][0].state = "closed";
    f.records["corrective_action"][0].data["effectiveness_result"] = "effective";
    EXPECT_EQ(Item(Evaluate(f), "10.2", 1).status, "met");
    f.records["corrective_action"].push_back(
        Rec("corrective_action", "CA-2", "planned", {{"nonconformity", "NC-1"}}, "2026-06-01"));
    EXPECT_EQ(Item(Evaluate(f), "10.2", 1).status, "stale");
}

TEST(ReadinessRulesTest, MetricsAuditsAndReviewsOfClause9) {
    auto f = Empty();
    f.records["metric"] = {Rec("metric", "MET-1", "active", {}, "2026-07-01")};
    EXPECT_EQ(Item(Evaluate(f), "9.1").status, "partial");  // never measured
    f.records["metric"][0].data["last_measured"] = "2026-05-31";
    EXPECT_EQ(Item(Evaluate(f), "9.1").status, "met");
    f.records["metric"].push_back(Rec("metric", "MET-2", "active", {{"last_measured", "2026-01-31"}}, "2026-04-30"));
    EXPECT_EQ(Item(Evaluate(f), "9.1").status, "stale");
    f.records["audit_programme"] = {
        Rec("audit_programme", "APG-1", "approved", {{"period_start", "2025-01-01"}, {"period_end", "2026-12-31"}})};
    EXPECT_EQ(Item(Evaluate(f), "9.2.2").status, "met");
    f.records["audit_programme"][0].data["period_end"] = "2026-01-31";
    EXPECT_EQ(Item(Evaluate(f), "9.2.2").status, "stale");
    f.records["audit"] = {Rec("audit", "AUD-1", "completed", {{"actual_end", "2025-03-01"}})};
    EXPECT_EQ(Item(Evaluate(f), "9.2.2", 1).status, "stale");
    f.records["audit"][0].data["actual_end"] = "2026-03-01";
    EXPECT_EQ(Item(Evaluate(f), "9.2.2", 1).status, "met");
    f.records["management_review"] = {Rec("management_review", "MR-1", "held", {{"meeting_date", "2026-05-01"}})};
    auto r = Evaluate(f);
    EXPECT_EQ(Item(r, "9.3.2").status, "partial");  // no compiled pack
    EXPECT_EQ(Item(r, "9.3.3").status, "partial");  // minutes not approved
    EXPECT_EQ(Item(r, "9.3.3", 1).status, "partial");  // no decisions recorded
    f.reviews_with_pack.insert("MR-1");
    f.records["management_review"][0].state = "approved";
    f.records["improvement"] = {Rec("improvement", "IMP-1", "approved", {{"management_review", "MR-1"}})};
    r = Evaluate(f);
    EXPECT_EQ(Item(r, "9.3.2").status, "met");
    EXPECT_EQ(Item(r, "9.3.3").status, "met");
    EXPECT_EQ(Item(r, "9.3.3", 1).status, "met");
}

class ReadinessStoreTest : public EvaluationTest {};

TEST_P(ReadinessStoreTest, GathersFromTheStoreAndFollowsItsChanges) {
    auto before = readiness_->Assess(ctx_);
    EXPECT_FALSE(before.ok());
    EXPECT_EQ(Item(before, "6.1.2").status, "missing");
    EXPECT_EQ(Item(before, "A").status, "missing");
    // A published procedure that names 6.1.2 documents the risk method.
    std::string doc = Add("document", {{"identifier", "PRO-1"}, {"title", "Risk method"}, {"kind", "procedure"},
                                       {"owner", "PER-1"}, {"approver", "PER-1"}, {"clauses", {"6.1.2"}}});
    Move("document", doc, {"submit", "approve", "publish"});
    std::string metric = Metric();
    MeasurementInput m;
    m.value = 96;
    metrics_->Record(ctx_, metric, {m}, "manual");
    soa::DecisionInput d;
    d.applicability = "applicable";
    d.inclusion_reason = "baseline";
    soa_->Decide(ctx_, "5.1", d);
    auto after = readiness_->Assess(ctx_);
    EXPECT_EQ(Item(after, "6.1.2").status, "met");
    EXPECT_EQ(Item(after, "6.1.2").refs, std::vector<std::string>{doc});
    EXPECT_EQ(Item(after, "9.1").status, "met");
    EXPECT_EQ(Item(after, "7.5.1").status, "met");
    EXPECT_EQ(Item(after, "A").status, "partial");
    EXPECT_GT(after.score, before.score);
    EXPECT_LT(after.mandatory_missing, before.mandatory_missing);
}

ISMS_INSTANTIATE_EVALUATION(ReadinessStoreTest);

}  // namespace
}  // namespace isms::evaluation
