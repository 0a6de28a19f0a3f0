#include "isms/risk/acceptance.hpp"

#include <gtest/gtest.h>

#include "isms/core/error.hpp"

namespace isms::risk {
namespace {

class AcceptanceRuleTest : public ::testing::Test {
protected:
    AcceptanceRuleTest() {
        criteria_ = RiskCriteria::Default(5);
        criteria_.version = 2;
    }
    Score At(int l, int c) { return Score{l, c, 2, criteria_.LevelOf(l, c).id}; }
    ErrorCode CodeOf(const Score& s, const AcceptanceParty& p, std::string* msg = nullptr) {
        try {
            CheckAcceptance(criteria_, s, "R-7", "P-1", p);
            return ErrorCode::kInternal;  // "no error"
        } catch (const Error& e) {
            if (msg) *msg = e.what();
            return e.code();
        }
    }
    RiskCriteria criteria_;
};

TEST_F(AcceptanceRuleTest, OwnerMayAcceptLowAndMedium) {
    EXPECT_EQ(CheckAcceptance(criteria_, At(1, 1), "R-7", "P-1", {"P-1", "Anna", false}),
              AcceptanceAuthority::kRiskOwner);
    EXPECT_EQ(CheckAcceptance(criteria_, At(3, 3), "R-7", "P-1", {"P-1", "Anna", false}),
              AcceptanceAuthority::kRiskOwner);
}

TEST_F(AcceptanceRuleTest, SomeoneWhoIsNotTheOwnerIsRefusedEvenFromTopManagement) {
    std::string msg;
    EXPECT_EQ(CodeOf(At(1, 1), {"P-9", "Erik", true}, &msg), ErrorCode::kForbidden);
    EXPECT_NE(msg.find("only the risk owner (P-1)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Erik (P-9)"), std::string::npos) << msg;
}

TEST_F(AcceptanceRuleTest, HighNeedsAnOwnerFromTopManagement) {
    ASSERT_EQ(At(4, 4).level, "high");
    std::string msg;
    EXPECT_EQ(CodeOf(At(4, 4), {"P-1", "Anna", false}, &msg), ErrorCode::kForbidden);
    EXPECT_NE(msg.find("top management"), std::string::npos) << msg;
    EXPECT_NE(msg.find("criteria version 2"), std::string::npos) << msg;
    EXPECT_EQ(CheckAcceptance(criteria_, At(4, 4), "R-7", "P-1", {"P-1", "Anna", true}),
              AcceptanceAuthority::kTopManagement);
}

TEST_F(AcceptanceRuleTest, CriticalIsNotAcceptableByAnyone) {
    ASSERT_EQ(At(5, 5).level, "critical");
    std::string msg;
    EXPECT_EQ(CodeOf(At(5, 5), {"P-1", "Anna", true}, &msg), ErrorCode::kForbidden);
    EXPECT_NE(msg.find("treat the risk further"), std::string::npos) << msg;
}

TEST_F(AcceptanceRuleTest, OrganisationCriteriaDecide) {
    // An organisation that lets risk owners accept everything up to high.
    criteria_.levels[2].acceptance = AcceptanceAuthority::kRiskOwner;
    EXPECT_EQ(CheckAcceptance(criteria_, At(4, 4), "R-7", "P-1", {"P-1", "", false}), AcceptanceAuthority::kRiskOwner);
}

}  // namespace
}  // namespace isms::risk
