#include "isms/core/nesting.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "isms/core/error.hpp"

namespace isms {
namespace {

std::string Repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// The error a check threw ("" when it accepted the text).
template <typename F>
std::string Refusal(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput) << e.what();
        return e.what();
    }
    return "";
}

TEST(NestingTest, JsonAtTheLimitIsReadAndOneLevelMoreIsRefusedNamingWhere) {
    std::string ok = Repeat("[", kMaxNesting) + Repeat("]", kMaxNesting);
    EXPECT_EQ(Refusal([&] { CheckJsonNesting(ok, "the body"); }), "");
    std::string deep = "{\n  \"a\": " + Repeat("[", kMaxNesting) + Repeat("]", kMaxNesting) + "}";
    std::string msg = Refusal([&] { CheckJsonNesting(deep, "the body"); });
    EXPECT_NE(msg.find("the body is nested deeper than 64 levels at line 2, column 71 (byte 72)"), std::string::npos)
        << msg;
}

TEST(NestingTest, ParseUserJsonRefusesAHundredThousandLevelsBeforeParsing) {
    std::string deep = "[{\"name\": " + Repeat("[", 100000) + Repeat("]", 100000) + "}]";
    std::string msg = Refusal([&] { ParseUserJson(deep, "import.json"); });
    EXPECT_NE(msg.find("import.json is nested deeper than 64 levels"), std::string::npos) << msg;
    // Unclosed: still refused by the depth, not by the parser.
    EXPECT_NE(Refusal([&] { ParseUserJson(Repeat("{\"a\":", 100000), "x"); }).find("nested deeper"), std::string::npos);
}

TEST(NestingTest, JsonBracketsInsideStringsDoNotCount) {
    std::string s = "{\"a\": \"" + Repeat("[{", 1000) + "\\\"" + Repeat("[", 100) + "\"}";
    EXPECT_EQ(Refusal([&] { CheckJsonNesting(s, "x"); }), "");
    EXPECT_EQ(ParseUserJson(s, "x")["a"].get<std::string>().size(), 2000u + 1 + 100);
    std::string msg = Refusal([&] { ParseUserJson("{\"a\": ", "the body"); });
    EXPECT_NE(msg.find("the body is not valid JSON (at byte"), std::string::npos) << msg;
}

TEST(NestingTest, YamlFlowAndBlockNestingAreRefused) {
    for (const std::string& deep : {Repeat("[", 100000) + Repeat("]", 100000),  // flow
                                    "a: " + Repeat("{b: ", 100000) + "c" + Repeat("}", 100000),
                                    Repeat("- ", 100000) + "x\n"}) {  // block sequences on one line
        std::string msg = Refusal([&] { CheckYamlNesting(deep, "doc.yaml"); });
        EXPECT_NE(msg.find("doc.yaml is nested deeper than 64 levels at line 1"), std::string::npos) << msg;
    }
    std::string indented;
    for (int i = 0; i < 70; ++i) indented += std::string(static_cast<size_t>(i), ' ') + "k:\n";
    std::string msg = Refusal([&] { CheckYamlNesting(indented, "doc.yaml"); });
    EXPECT_NE(msg.find("nested deeper than 64 levels at line 65"), std::string::npos) << msg;
}

TEST(NestingTest, YamlOfOrdinaryShapePasses) {
    std::string doc =
        "catalog:\n"
        "  uuid: 'it''s [not' # a comment with [[[[\n"
        "  title: \"quoted [[[[ {{{{\"\n"
        "  plain: it's [a] plain scalar\n"
        "  prose: |\n"
        "    A block scalar may hold anything: [[[[[[[[ {{{{{{{{\n" +
        Repeat("    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n", 3) +
        "  groups:\n"
        "    - id: g1\n"
        "      controls: [{id: c1, parts: [{name: item, props: [{name: a, value: b}]}]}]\n";
    EXPECT_EQ(Refusal([&] { CheckYamlNesting(doc, "doc.yaml"); }), "");
    EXPECT_NO_THROW(YAML::Load(doc));
}

TEST(NestingTest, YamlAliasesCountWithWhatTheyNameAndCyclesAreRefused) {
    EXPECT_NE(Refusal([&] { CheckYamlNesting("a: &x [1, *x]\n", "doc.yaml"); }).find("cycle"), std::string::npos);
    std::string deep_anchor = "a: &x " + Repeat("[", 40) + Repeat("]", 40) + "\nb: " + Repeat("[", 30) + "*x" +
                              Repeat("]", 30) + "\n";
    EXPECT_NE(Refusal([&] { CheckYamlNesting(deep_anchor, "doc.yaml"); }).find("aliases expanded"), std::string::npos);
    // The flow count sees collections behind anchors and tags too.
    std::string tagged = "a: &x !!seq " + Repeat("[", 100000) + Repeat("]", 100000);
    EXPECT_NE(Refusal([&] { CheckYamlNesting(tagged, "doc.yaml"); }).find("at line 1, column 77 (byte 76)"),
              std::string::npos);
    std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'j'; ++c) {
        std::string prev(1, static_cast<char>(c - 1));
        laughs += std::string(1, c) + ": &" + std::string(1, c) + " [" + Repeat("*" + prev + ", ", 9) + "*" + prev + "]\n";
    }
    EXPECT_NE(Refusal([&] { CheckYamlNesting(laughs, "doc.yaml"); }).find("more than 1000000 nodes"), std::string::npos);
    EXPECT_EQ(Refusal([&] { CheckYamlNesting("a: &x [1, 2]\nb: *x\nc: [*x, *x]\n", "doc.yaml"); }), "");
}

TEST(NestingTest, MalformedYamlIsLeftToTheParser) {
    EXPECT_THROW(CheckYamlNesting("a: [1, 2\nb: }", "doc.yaml"), YAML::Exception);
}

TEST(NestingTest, XmlElementsAreCountedOutsideMarkupThatIsNotAnElement) {
    std::string ok = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY e \"<b>\">]>\n<!-- " + Repeat("<c>", 100) +
                     " -->\n<a x=\"&gt;<d>\" y='<e>'>" + Repeat("<br/>", 100) + "<![CDATA[" + Repeat("<f>", 100) +
                     "]]>" + Repeat("<g>", 63) + Repeat("</g>", 63) + "</a>";
    EXPECT_EQ(Refusal([&] { CheckXmlNesting(ok, "doc.xml"); }), "");
    std::string deep = "<catalog>\n" + Repeat("<part>", 100000) + Repeat("</part>", 100000) + "</catalog>";
    std::string msg = Refusal([&] { CheckXmlNesting(deep, "doc.xml"); });
    EXPECT_NE(msg.find("doc.xml is nested deeper than 64 levels at line 2, column 379 (byte 388)"), std::string::npos)
        << msg;
}

}  // namespace
}  // namespace isms
