#include <gtest/gtest.h>

#include "isms/records/schema.hpp"
#include "isms/records/values.hpp"

namespace isms::records {
namespace {

const std::string kTestSchemas = std::string(ISMS_SOURCE_DIR) + "/tests/data/records/schemas";

class ValuesTest : public ::testing::Test {
protected:
    TypeRegistry registry_ = TypeRegistry::Builtin({kTestSchemas});
    const RecordType& gadget_ = registry_.Get("test_gadget");

    const ErrorDetail* FindProblem(const std::vector<ErrorDetail>& ps, const std::string& field) {
        for (const auto& p : ps)
            if (p.field == field) return &p;
        return nullptr;
    }
};

TEST_F(ValuesTest, GoodDataPassesAndIsNormalised) {
    Json data = {{"label", "  Widget  "},  {"colour", "red"},      {"made_on", "2026-01-02"},
                 {"weight", 12.5},         {"shiny", true},        {"tags", {"a", "", "b", "a"}},
                 {"contact", "Ann@Ex.SE"}, {"homepage", "https://example.se/x"},
                 {"notes", ""},            {"control", "A.5.19"}};
    auto problems = CheckData(gadget_, data);
    EXPECT_TRUE(problems.empty()) << Summarise("x", problems);
    EXPECT_EQ(data["label"], "Widget");
    EXPECT_EQ(data["contact"], "ann@ex.se");
    EXPECT_EQ(data["tags"], Json({"a", "b"}));
    EXPECT_EQ(data["control"], "5.19");
    EXPECT_FALSE(data.contains("notes"));  // empty means absent
}

TEST_F(ValuesTest, EachProblemNamesItsField) {
    Json data = {{"colour", "purple"},  {"made_on", "2026-02-30"}, {"weight", "heavy"},
                 {"shiny", "yes"},      {"contact", "not-mail"},   {"homepage", "ftp://x"},
                 {"manual", "abc"},     {"tags", {"a", "b", "c", "d"}}, {"bogus", 1}};
    auto problems = CheckData(gadget_, data);
    auto colour = FindProblem(problems, "colour");
    ASSERT_NE(colour, nullptr);
    EXPECT_EQ(colour->allowed, (std::vector<std::string>{"red", "green", "blue"}));
    EXPECT_NE(colour->message.find("purple"), std::string::npos);
    EXPECT_NE(FindProblem(problems, "made_on"), nullptr);
    ASSERT_NE(FindProblem(problems, "weight"), nullptr);
    EXPECT_NE(FindProblem(problems, "weight")->message.find("must be a number"), std::string::npos);
    EXPECT_NE(FindProblem(problems, "shiny"), nullptr);
    EXPECT_NE(FindProblem(problems, "contact"), nullptr);
    EXPECT_NE(FindProblem(problems, "homepage"), nullptr);
    EXPECT_NE(FindProblem(problems, "manual"), nullptr);
    EXPECT_NE(FindProblem(problems, "tags"), nullptr);
    auto bogus = FindProblem(problems, "bogus");
    ASSERT_NE(bogus, nullptr);
    EXPECT_NE(std::find(bogus->allowed.begin(), bogus->allowed.end(), "label"), bogus->allowed.end());
    auto label = FindProblem(problems, "label");
    ASSERT_NE(label, nullptr);
    EXPECT_EQ(label->message, "is required");
}

TEST_F(ValuesTest, NumberLimitsAndTextLength) {
    Json data = {{"label", std::string(51, 'x')}, {"weight", 101}};
    auto problems = CheckData(gadget_, data);
    EXPECT_NE(FindProblem(problems, "label"), nullptr);
    EXPECT_NE(FindProblem(problems, "weight"), nullptr);
    Json ok = {{"label", std::string(50, 'x')}, {"weight", 100}};
    EXPECT_TRUE(CheckData(gadget_, ok).empty());
}

TEST_F(ValuesTest, TextConversionParsesNumbersBooleansAndLists) {
    std::vector<ErrorDetail> problems;
    EXPECT_EQ(ValueFromText(*gadget_.Field("weight"), "12", problems), 12);
    EXPECT_EQ(ValueFromText(*gadget_.Field("weight"), "2.5", problems), 2.5);
    EXPECT_EQ(ValueFromText(*gadget_.Field("shiny"), "Yes", problems), true);
    EXPECT_EQ(ValueFromText(*gadget_.Field("tags"), "a; b ;;c", problems), Json({"a", "b", "c"}));
    EXPECT_TRUE(ValueFromText(*gadget_.Field("label"), "   ", problems).is_null());
    EXPECT_TRUE(problems.empty());
    EXPECT_TRUE(ValueFromText(*gadget_.Field("weight"), "12kg", problems).is_null());
    EXPECT_TRUE(ValueFromText(*gadget_.Field("shiny"), "maybe", problems).is_null());
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].field, "weight");
    EXPECT_EQ(ValueToText(Json({"a", "b"})), "a; b");
    EXPECT_EQ(ValueToText(Json(3)), "3");
    EXPECT_EQ(ValueToText(Json(false)), "false");
}

}  // namespace
}  // namespace isms::records
