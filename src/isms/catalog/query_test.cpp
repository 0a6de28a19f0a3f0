#include "isms/catalog/query.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "isms/core/error.hpp"

namespace isms::catalog::query {
namespace {

Vocabulary TestVocabulary() {
    return Vocabulary({
        {"id", "", {}, true, false},
        {"title", "", {}, true, false},
        {"theme", "", {"organizational", "people", "physical", "technological"}, false, false},
        {"control_type", "", {"Preventive", "Detective", "Corrective"}},
        {"security_properties", "", {"Confidentiality", "Integrity", "Availability"}},
    });
}

Item Control(std::string id, std::string title, std::string theme, Values type, Values props) {
    return {{"id", {std::move(id)}},
            {"title", {std::move(title)}},
            {"theme", {std::move(theme)}},
            {"control_type", std::move(type)},
            {"security_properties", std::move(props)}};
}

// Three items whose combinations tell the operators apart.
const Item kLogging = Control("8.15", "Logging", "technological", {"Detective"},
                              {"Confidentiality", "Integrity", "Availability"});
const Item kMonitoring = Control("8.16", "Monitoring activities", "technological", {"Detective", "Corrective"},
                                 {"Confidentiality", "Integrity", "Availability"});
const Item kScreening = Control("6.1", "Screening", "people", {"Preventive"}, {"Confidentiality", "Integrity"});

bool M(std::string_view where, const Item& item) { return Matches(Compile(where, TestVocabulary()), item); }

Error ErrorOf(std::string_view where) {
    try {
        Compile(where, TestVocabulary());
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no error for: " << where;
    return Error::Internal("none");
}

TEST(QueryParseTest, EmptyWhereMatchesEverything) {
    EXPECT_EQ(Parse("").kind, Expr::Kind::kAll);
    EXPECT_EQ(Parse("   ").kind, Expr::Kind::kAll);
    EXPECT_TRUE(M("", kScreening));
}

TEST(QueryParseTest, AndBindsTighterThanOr) {
    // a or b and c  ==  a or (b and c)
    Expr e = Parse("theme=people or control_type=Detective and id=8.16");
    ASSERT_EQ(e.kind, Expr::Kind::kOr);
    ASSERT_EQ(e.children.size(), 2u);
    EXPECT_EQ(e.children[0].kind, Expr::Kind::kCompare);
    EXPECT_EQ(e.children[1].kind, Expr::Kind::kAnd);
    EXPECT_TRUE(M("theme=people or control_type=Detective and id=8.16", kScreening));
    EXPECT_FALSE(M("theme=people or control_type=Detective and id=8.16", kLogging));
    EXPECT_TRUE(M("theme=people or control_type=Detective and id=8.16", kMonitoring));
}

TEST(QueryParseTest, NotBindsTighterThanAnd) {
    Expr e = Parse("not theme=people and control_type=Detective");
    ASSERT_EQ(e.kind, Expr::Kind::kAnd);
    EXPECT_EQ(e.children[0].kind, Expr::Kind::kNot);
    EXPECT_TRUE(M("not theme=people and control_type=Detective", kLogging));
    EXPECT_FALSE(M("not theme=people and control_type=Detective", kScreening));
}

TEST(QueryParseTest, ParenthesesOverridePrecedence) {
    const char* grouped = "(theme=people or control_type=Detective) and id=8.16";
    EXPECT_FALSE(M(grouped, kScreening));
    EXPECT_TRUE(M(grouped, kMonitoring));
    EXPECT_FALSE(M(grouped, kLogging));
    EXPECT_TRUE(M("not (theme=people or id=8.15)", kMonitoring));
    EXPECT_FALSE(M("not (theme=people or id=8.15)", kLogging));
}

TEST(QueryParseTest, AndChainsAreFlattened) {
    Expr e = Parse("id=1 and id=2 and (id=3 and id=4)");
    ASSERT_EQ(e.kind, Expr::Kind::kAnd);
    EXPECT_EQ(e.children.size(), 4u);
}

TEST(QueryParseTest, QuotedValuesAndKeywordsAreCaseInsensitive) {
    EXPECT_TRUE(M("title = 'Monitoring activities'", kMonitoring));
    EXPECT_TRUE(M("title = \"Monitoring activities\"", kMonitoring));
    EXPECT_TRUE(M("theme IN (people) OR id = 8.15", kLogging));
    EXPECT_TRUE(M("NOT theme = people AND id = 8.15", kLogging));
    // A doubled quote stands for one quote character.
    Item quoted = Control("9.9", "Operator's log", "people", {"Preventive"}, {"Integrity"});
    EXPECT_TRUE(M("title = 'Operator''s log'", quoted));
}

TEST(QueryParseTest, ToStringRoundTrips) {
    for (const char* text : {"theme = people", "not (id = 1 or id = 2) and title ~ 'a b'",
                             "(theme = people or id = 8.16) and control_type not in (Preventive, Corrective)",
                             "title !~ log", "id != 5.1 or not not id = 5.2"}) {
        Expr e = Parse(text);
        EXPECT_EQ(ToString(Parse(ToString(e))), ToString(e)) << text;
    }
    EXPECT_EQ(ToString(Parse("a=1 and (b=2 or c='x y')")), "a = 1 and (b = 2 or c = 'x y')");
}

TEST(QueryEvalTest, MultiValuedEqualsIsTrueWhenAnyValueMatches) {
    EXPECT_TRUE(M("control_type = Corrective", kMonitoring));
    EXPECT_TRUE(M("control_type = Detective", kMonitoring));
    EXPECT_FALSE(M("control_type = Corrective", kLogging));
}

TEST(QueryEvalTest, MultiValuedNotEqualsIsTrueWhenNoValueMatches) {
    EXPECT_FALSE(M("control_type != Corrective", kMonitoring));  // has Corrective among others
    EXPECT_TRUE(M("control_type != Corrective", kLogging));
    EXPECT_TRUE(M("security_properties != Availability", kScreening));
}

TEST(QueryEvalTest, InAndNotIn) {
    EXPECT_TRUE(M("theme in (people, physical)", kScreening));
    EXPECT_FALSE(M("theme in (people, physical)", kLogging));
    EXPECT_TRUE(M("control_type in (Corrective, Preventive)", kMonitoring));
    EXPECT_FALSE(M("control_type not in (Corrective, Preventive)", kMonitoring));
    EXPECT_TRUE(M("control_type not in (Corrective, Preventive)", kLogging));
}

TEST(QueryEvalTest, TildeIsCaseInsensitiveSubstring) {
    EXPECT_TRUE(M("title ~ monitor", kMonitoring));
    EXPECT_TRUE(M("title ~ 'ING ACT'", kMonitoring));
    EXPECT_FALSE(M("title ~ monitor", kLogging));
    EXPECT_TRUE(M("title !~ monitor", kLogging));
    // ~ takes any text, even on a closed field: no vocabulary check.
    EXPECT_TRUE(M("control_type ~ tect", kLogging));
}

TEST(QueryEvalTest, ValuesMatchIgnoringCaseAndHashtags) {
    EXPECT_TRUE(M("control_type = detective", kLogging));
    EXPECT_TRUE(M("CONTROL_TYPE = #Detective", kLogging));
    Expr e = Compile("Control_Type = detective", TestVocabulary());
    EXPECT_EQ(e.field, "control_type");
    EXPECT_EQ(e.values.at(0), "Detective");  // rewritten to the canonical spelling
}

TEST(QueryEvalTest, MissingFieldIsAnEmptyList) {
    Item bare = {{"id", {"1"}}};
    EXPECT_FALSE(M("control_type = Detective", bare));
    EXPECT_TRUE(M("control_type != Detective", bare));
    EXPECT_FALSE(M("title ~ x", bare));
}

TEST(QueryErrorTest, UnknownFieldNamesTheValidOnes) {
    Error e = ErrorOf("control_typ = Detective");
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    std::string msg = e.what();
    EXPECT_NE(msg.find("unknown attribute 'control_typ'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("did you mean 'control_type'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("valid: id, title, theme, control_type, security_properties"), std::string::npos) << msg;
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].field, "control_typ");
    EXPECT_EQ(e.details()[0].column, 1);
    EXPECT_EQ(e.details()[0].allowed.size(), 5u);
}

TEST(QueryErrorTest, UnknownValueNamesTheValidOnesAndItsColumn) {
    Error e = ErrorOf("theme = people and control_type in (Preventive, Detectiv)");
    std::string msg = e.what();
    EXPECT_NE(msg.find("unknown value 'Detectiv' for control_type"), std::string::npos) << msg;
    EXPECT_NE(msg.find("valid: Preventive, Detective, Corrective"), std::string::npos) << msg;
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].column, 49);
    EXPECT_EQ(e.details()[0].allowed, (Values{"Preventive", "Detective", "Corrective"}));
}

TEST(QueryErrorTest, FreeTextFieldsAcceptAnyValue) {
    EXPECT_NO_THROW(Compile("id = 99.99 and title = 'anything at all'", TestVocabulary()));
}

struct SyntaxCase {
    const char* where;
    int column;
    const char* words;  // part of the message
};

TEST(QueryErrorTest, SyntaxErrorsPointAtTheColumn) {
    const SyntaxCase cases[] = {
        {"control_type = ", 16, "expected a value after '='"},
        {"control_type = Detective and", 29, "expected an attribute name"},
        {"control_type Detective", 14, "expected an operator"},
        {"(theme = people", 16, "expected ')' to close the '(' at column 1"},
        {"theme = people)", 15, "unexpected ')'"},
        {"theme in people", 10, "expected '(' after 'in'"},
        {"theme in (people physical)", 18, "expected ',' or ')'"},
        {"title = 'open", 9, "unterminated quoted text"},
        {"theme = people theme = physical", 16, "join conditions with 'and' or 'or'"},
        {"theme ! people", 7, "'!' must be followed by '=' or '~'"},
        {"id = 1 and ()", 13, "empty parentheses"},
        {"theme = and", 9, "quote a value that is a keyword"},
        {"id = 5.1 ; drop", 10, "unexpected character ';'"},
    };
    for (const auto& c : cases) {
        Error e = ErrorOf(c.where);
        std::string msg = e.what();
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput) << c.where;
        ASSERT_EQ(e.details().size(), 1u) << c.where;
        EXPECT_EQ(e.details()[0].column, c.column) << c.where << ": " << msg;
        EXPECT_NE(msg.find(c.words), std::string::npos) << c.where << ": " << msg;
        EXPECT_NE(msg.find(fmt::format("at column {}", c.column)), std::string::npos) << msg;
        // The caret sits under the column.
        std::string caret_line = msg.substr(msg.rfind('\n') + 1);
        EXPECT_EQ(caret_line, std::string(2 + c.column - 1, ' ') + "^") << msg;
    }
}

TEST(QueryErrorTest, ColumnsCountCharactersNotBytes) {
    Error e = ErrorOf("title = 'Åtgärd' and");
    EXPECT_EQ(e.details().at(0).column, 21);
}

TEST(NaturalCompareTest, IdsSortAsNumbers) {
    EXPECT_TRUE(NaturalLess("5.9", "5.10"));
    EXPECT_TRUE(NaturalLess("5.10", "6.1"));
    EXPECT_TRUE(NaturalLess("A.9.1.2", "A.12.4.1"));
    EXPECT_FALSE(NaturalLess("8.34", "8.4"));
    EXPECT_EQ(NaturalCompare("Logging", "logging"), 0);
    EXPECT_TRUE(NaturalLess("Access control", "Logging"));
}

}  // namespace
}  // namespace isms::catalog::query
