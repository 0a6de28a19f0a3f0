#include "isms/risk/select.hpp"

#include <gtest/gtest.h>

#include "isms/core/error.hpp"

namespace isms::risk {
namespace {

Risk MakeRisk(const std::string& id, const std::string& level, const std::string& cia, bool treated) {
    Risk r;
    r.id = id;
    r.title = "Risk " + id;
    r.owner = "PER-1";
    r.status = treated ? "treated" : "assessed";
    r.cia = Cia::Parse(cia);
    r.inherent = Score{3, 4, 1, level};
    r.assets = {"AST-1", "AST-2"};
    if (treated) {
        Treatment t;
        t.option = TreatmentOption::kModify;
        t.controls = {"8.13", "5.30"};
        t.own_controls = {"OC-1"};
        t.residual = Score{1, 2, 1, "low"};
        r.treatment = t;
    }
    return r;
}

std::vector<std::string> Ids(const std::vector<Risk>& risks) {
    std::vector<std::string> out;
    for (const auto& r : risks) out.push_back(r.id);
    return out;
}

class SelectRisksTest : public ::testing::Test {
  protected:
    std::vector<Risk> risks_ = {MakeRisk("R-1", "high", "C", true), MakeRisk("R-2", "critical", "CIA", false),
                                MakeRisk("R-3", "low", "A", false), MakeRisk("R-10", "medium", "I", true)};
};

TEST_F(SelectRisksTest, BlankSelectsAllInOrder) {
    EXPECT_EQ(Ids(SelectRisks(risks_, "")), (std::vector<std::string>{"R-1", "R-2", "R-3", "R-10"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "   ")).size(), 4u);
}

TEST_F(SelectRisksTest, LevelsPropertiesTreatmentAndControls) {
    EXPECT_EQ(Ids(SelectRisks(risks_, "level in (high, critical)")), (std::vector<std::string>{"R-1", "R-2"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "cia = c")), (std::vector<std::string>{"R-1", "R-2"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "level in (high, critical) and cia = A")), (std::vector<std::string>{"R-2"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "controls = 8.13")), (std::vector<std::string>{"R-1", "R-10"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "controls = OC-1 and residual_level = low")),
              (std::vector<std::string>{"R-1", "R-10"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "treatment = modify")), (std::vector<std::string>{"R-1", "R-10"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "not treatment = modify")), (std::vector<std::string>{"R-2", "R-3"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "title ~ 'r-1' and accepted = no")), (std::vector<std::string>{"R-1", "R-10"}));
    EXPECT_EQ(Ids(SelectRisks(risks_, "status = assessed")), (std::vector<std::string>{"R-2", "R-3"}));
}

TEST_F(SelectRisksTest, BadClausesNameTheProblem) {
    try {
        SelectRisks(risks_, "levle = high");
        FAIL() << "an unknown field must be refused";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        EXPECT_NE(std::string(e.what()).find("level"), std::string::npos) << e.what();
    }
    try {
        SelectRisks(risks_, "treatment = ignore");
        FAIL() << "an unknown option must be refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("modify"), std::string::npos) << e.what();
    }
    EXPECT_THROW(SelectRisks(risks_, "level = (high"), Error);
}

}  // namespace
}  // namespace isms::risk
