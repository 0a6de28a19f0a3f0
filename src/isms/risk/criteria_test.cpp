#include "isms/risk/criteria.hpp"

#include <gtest/gtest.h>

#include "isms/core/error.hpp"

namespace isms::risk {
namespace {

std::string LevelAt(const RiskCriteria& c, int l, int k) { return c.LevelOf(l, k).id; }

bool HasField(const Error& e, const std::string& field) {
    for (const auto& d : e.details())
        if (d.field == field) return true;
    return false;
}

TEST(RiskCriteriaTest, DefaultFiveByFiveMatrixHasTheExpectedShape) {
    auto c = RiskCriteria::Default(5);
    EXPECT_NO_THROW(c.Validate());
    ASSERT_EQ(c.likelihood.size(), 5u);
    ASSERT_EQ(c.consequence.size(), 5u);
    EXPECT_EQ(c.likelihood[0].name, "Rare");
    EXPECT_EQ(c.consequence[4].name, "Severe");
    // Corners and the diagonal.
    EXPECT_EQ(LevelAt(c, 1, 1), "low");
    EXPECT_EQ(LevelAt(c, 5, 5), "critical");
    EXPECT_EQ(LevelAt(c, 1, 5), "medium");
    EXPECT_EQ(LevelAt(c, 5, 1), "medium");
    EXPECT_EQ(LevelAt(c, 3, 3), "medium");
    EXPECT_EQ(LevelAt(c, 4, 4), "high");
    EXPECT_EQ(LevelAt(c, 4, 5), "critical");
    // Symmetric: likelihood and consequence weigh the same in the ready-made matrix.
    for (int l = 1; l <= 5; ++l)
        for (int k = 1; k <= 5; ++k) EXPECT_EQ(LevelAt(c, l, k), LevelAt(c, k, l));
}

TEST(RiskCriteriaTest, DefaultsExistForThreeFourAndFiveSteps) {
    for (int n : {3, 4, 5}) {
        auto c = RiskCriteria::Default(n);
        EXPECT_NO_THROW(c.Validate()) << n;
        EXPECT_EQ(c.matrix.size(), static_cast<size_t>(n));
        EXPECT_EQ(LevelAt(c, 1, 1), "low") << n;
        EXPECT_EQ(LevelAt(c, n, n), "critical") << n;
    }
    EXPECT_THROW(RiskCriteria::Default(6), Error);
    EXPECT_THROW(RiskCriteria::Default(2), Error);
}

TEST(RiskCriteriaTest, ScoreOutsideTheScaleNamesTheAllowedRange) {
    auto c = RiskCriteria::Default(4);
    c.version = 3;
    try {
        c.LevelOf(5, 2);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        std::string msg = e.what();
        EXPECT_NE(msg.find("likelihood"), std::string::npos) << msg;
        EXPECT_NE(msg.find("1 (Unlikely) to 4 (Almost certain)"), std::string::npos) << msg;
        EXPECT_NE(msg.find("version 3"), std::string::npos) << msg;
        ASSERT_EQ(e.details().size(), 1u);
        EXPECT_EQ(e.details()[0].field, "likelihood");
        EXPECT_EQ(e.details()[0].allowed, (std::vector<std::string>{"1", "2", "3", "4"}));
    }
    try {
        c.LevelOf(0, 9);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.details().size(), 2u);  // both reported at once
        EXPECT_TRUE(HasField(e, "consequence"));
    }
}

TEST(RiskCriteriaTest, JsonRoundTripKeepsEverything) {
    auto c = RiskCriteria::Default(5);
    c.levels[1].colour = "#123abc";
    c.note = "board decision 2026-03";
    auto back = RiskCriteria::FromJson(c.ToJson());
    EXPECT_EQ(back.ToJson(), c.ToJson());
    EXPECT_EQ(back.levels[1].colour, "#123abc");
}

TEST(RiskCriteriaTest, ThreeByFiveMatrixIsAllowed) {
    // Scales may differ in length: three likelihood steps against five consequence steps.
    Json j = RiskCriteria::Default(5).ToJson();
    j["likelihood"] = Json::array({{{"name", "Low"}}, {{"name", "Medium"}}, {{"name", "High"}}});
    j["matrix"] = {{"low", "low", "medium", "medium", "high"},
                   {"low", "medium", "medium", "high", "high"},
                   {"medium", "medium", "high", "high", "critical"}};
    auto c = RiskCriteria::FromJson(j);
    EXPECT_EQ(LevelAt(c, 3, 5), "critical");
    EXPECT_THROW(c.LevelOf(4, 1), Error);
}

TEST(RiskCriteriaTest, MalformedCriteriaAreRejectedWithFieldPaths) {
    Json j = RiskCriteria::Default(5).ToJson();
    j["matrix"][2][3] = "severe";  // not a level
    try {
        RiskCriteria::FromJson(j);
        FAIL();
    } catch (const Error& e) {
        EXPECT_TRUE(HasField(e, "matrix[2][3]"));
        EXPECT_EQ(e.details()[0].allowed, (std::vector<std::string>{"low", "medium", "high", "critical"}));
    }

    j = RiskCriteria::Default(5).ToJson();
    j["likelihood"].push_back({{"name", "Daily"}});  // six steps
    try {
        RiskCriteria::FromJson(j);
        FAIL();
    } catch (const Error& e) {
        EXPECT_TRUE(HasField(e, "likelihood"));
        EXPECT_TRUE(HasField(e, "matrix"));  // five rows for six steps
    }

    j = RiskCriteria::Default(3).ToJson();
    j["levels"][0]["colour"] = "green";
    j["levels"][1]["id"] = "Medium Risk";
    for (auto& row : j["matrix"])
        for (auto& cell : row)
            if (cell == "medium") cell = "Medium Risk";
    j["consequence"][2]["name"] = j["consequence"][1]["name"];
    try {
        RiskCriteria::FromJson(j);
        FAIL();
    } catch (const Error& e) {
        EXPECT_TRUE(HasField(e, "levels[0].colour")) << e.what();
        EXPECT_TRUE(HasField(e, "levels[1].id"));
    }
}

TEST(RiskCriteriaTest, LevelMustNotFallAsScoresRise) {
    auto c = RiskCriteria::Default(5);
    c.matrix[2][4] = 0;  // likelihood 3 × consequence 5 = low, below 3 × 4
    try {
        c.Validate();
        FAIL();
    } catch (const Error& e) {
        EXPECT_TRUE(HasField(e, "matrix[2][4]"));
        EXPECT_NE(std::string(e.details()[0].message).find("must not fall"), std::string::npos);
    }
}

TEST(RiskCriteriaTest, AcceptanceMustNotLoosenAsLevelsRise) {
    auto c = RiskCriteria::Default(5);
    c.levels[3].acceptance = AcceptanceAuthority::kRiskOwner;  // critical acceptable by the owner, high not
    try {
        c.Validate();
        FAIL();
    } catch (const Error& e) {
        EXPECT_TRUE(HasField(e, "levels[3].acceptance"));
    }
    Json j = RiskCriteria::Default(5).ToJson();
    j["levels"][0]["acceptance"] = "ceo";
    try {
        RiskCriteria::FromJson(j);
        FAIL();
    } catch (const Error& e) {
        ASSERT_TRUE(HasField(e, "levels[0].acceptance"));
        EXPECT_EQ(e.details()[0].allowed.size(), 3u);
    }
}

}  // namespace
}  // namespace isms::risk
