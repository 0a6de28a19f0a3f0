#include "isms/soa/derivation.hpp"

#include <gtest/gtest.h>

#include "isms/risk/test_directory.hpp"

namespace isms::soa {
namespace {

class SoaDerivationTest : public ::testing::Test {
protected:
    SoaDerivationTest() { in_.controls = risk::testing_support::LoadAnnexA(); }
    const Entry& Of(const std::vector<Entry>& v, const std::string& id) {
        for (const auto& e : v)
            if (e.control_id == id) return e;
        throw std::runtime_error("no entry " + id);
    }
    Decision Make(const std::string& id, const std::string& applicability, const std::string& reason = "") {
        Decision d;
        d.control_id = id;
        d.applicability = applicability;
        if (applicability == "not_applicable") d.exclusion_reason = reason;
        else d.inclusion_reason = reason;
        d.row_version = 1;
        return d;
    }
    Inputs in_;
};

TEST_F(SoaDerivationTest, EveryAnnexAControlHasAnEntryInCatalogOrder) {
    auto v = Derive(in_);
    ASSERT_EQ(v.size(), 93u);
    EXPECT_EQ(v.front().control_id, "5.1");
    EXPECT_EQ(v.back().control_id, "8.34");
    for (const auto& e : v) {
        EXPECT_EQ(e.applicability, "undecided");
        EXPECT_EQ(e.status, "");
        EXPECT_FALSE(e.attributes.empty());
    }
    EXPECT_EQ(Check(v).size(), 93u);  // nothing decided: everything is open
}

TEST_F(SoaDerivationTest, RiskTreatmentAndRequirementsMakeAControlApplicable) {
    in_.usage["8.5"] = {"R-1", "R-4"};
    in_.requirements.push_back({"5.34", {"legal_requirement", "LEG-1", "GDPR"}, "legal"});
    auto v = Derive(in_);
    const auto& mfa = Of(v, "8.5");
    EXPECT_EQ(mfa.applicability, "applicable");
    EXPECT_EQ(mfa.decided_by, "derived");
    EXPECT_EQ(mfa.risks, (std::vector<std::string>{"R-1", "R-4"}));
    EXPECT_EQ(mfa.status, "planned");
    const auto& pii = Of(v, "5.34");
    EXPECT_EQ(pii.applicability, "applicable");
    ASSERT_EQ(pii.requirements.size(), 1u);
    EXPECT_EQ(pii.requirements[0].id, "LEG-1");
    EXPECT_EQ(pii.status, "not_started");
    auto open = Check(v);
    EXPECT_EQ(open.size(), 91u);
    for (const auto& c : open) EXPECT_EQ(c.kind, "no_decision");
}

TEST_F(SoaDerivationTest, ExplicitDecisionWinsAndStatusFollowsIt) {
    in_.usage["8.5"] = {"R-1"};
    auto d = Make("8.5", "applicable");
    d.status = "implemented";
    in_.decisions["8.5"] = d;
    in_.decisions["7.4"] = Make("7.4", "not_applicable", "no premises of our own; hosted in a certified cloud");
    auto v = Derive(in_);
    EXPECT_EQ(Of(v, "8.5").decided_by, "decision");
    EXPECT_EQ(Of(v, "8.5").status, "implemented");
    EXPECT_EQ(Of(v, "7.4").applicability, "not_applicable");
    EXPECT_EQ(Of(v, "7.4").status, "not_applicable");
    EXPECT_EQ(Of(v, "7.4").exclusion_reason, "no premises of our own; hosted in a certified cloud");
}

TEST_F(SoaDerivationTest, CheckFindsEveryKindOfOpenItem) {
    for (const auto& c : in_.controls) in_.decisions[c.id] = Make(c.id, "applicable", "business need");
    in_.decisions["5.7"] = Make("5.7", "undecided");
    in_.decisions["8.5"] = Make("8.5", "not_applicable", "we think passwords suffice");
    in_.usage["8.5"] = {"R-2"};
    in_.decisions["5.34"] = Make("5.34", "not_applicable", "no personal data");
    in_.requirements.push_back({"5.34", {"legal_requirement", "LEG-1", "GDPR"}, "legal"});
    in_.decisions["8.16"] = Make("8.16", "applicable", "");  // nothing justifies it
    auto open = Check(Derive(in_));
    std::map<std::string, std::string> by_control;
    for (const auto& c : open) by_control[c.control_id] = c.kind;
    EXPECT_EQ(open.size(), 4u);
    EXPECT_EQ(by_control["5.7"], "no_decision");
    EXPECT_EQ(by_control["8.5"], "chosen_but_excluded");
    EXPECT_EQ(by_control["5.34"], "required_but_excluded");
    EXPECT_EQ(by_control["8.16"], "unjustified");
    for (const auto& c : open) {
        if (c.control_id == "8.5") {
            EXPECT_EQ(c.refs, (std::vector<std::string>{"R-2"}));
        }
    }
    // Justifying 8.16 by a risk closes its item.
    in_.usage["8.16"] = {"R-9"};
    EXPECT_EQ(Check(Derive(in_)).size(), 3u);
}

TEST_F(SoaDerivationTest, DiffNamesTheChangedFields) {
    in_.decisions["7.4"] = Make("7.4", "not_applicable", "cloud only");
    auto a = Derive(in_);
    in_.decisions["7.4"] = Make("7.4", "applicable", "new office opened");
    in_.usage["8.5"] = {"R-1"};
    auto b = Derive(in_);
    auto changes = Diff(a, b);
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& c : changes) got.insert({c.control_id, c.field});
    EXPECT_TRUE(got.count({"7.4", "applicability"}));
    EXPECT_TRUE(got.count({"7.4", "status"}));
    EXPECT_TRUE(got.count({"7.4", "business_need"}));
    EXPECT_TRUE(got.count({"7.4", "exclusion_reason"}));
    EXPECT_TRUE(got.count({"8.5", "applicability"}));
    EXPECT_TRUE(got.count({"8.5", "risks"}));
    EXPECT_EQ(Diff(b, b).size(), 0u);
}

TEST_F(SoaDerivationTest, EntriesSurviveTheirJsonForm) {
    in_.usage["8.5"] = {"R-1"};
    in_.requirements.push_back({"8.5", {"requirement", "REQ-3", "Customer MFA clause"}, "contractual"});
    auto v = Derive(in_);
    for (const auto& e : v) EXPECT_EQ(Entry::FromJson(e.ToJson()).ToJson(), e.ToJson());
}

}  // namespace
}  // namespace isms::soa
