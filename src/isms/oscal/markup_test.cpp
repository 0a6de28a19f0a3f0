#include "isms/oscal/markup.hpp"

#include <gtest/gtest.h>

namespace isms::oscal::markup {
namespace {

std::string ToXmlString(const std::string& md, bool multiline) {
    pugi::xml_document doc;
    auto root = doc.append_child("x");
    ToXml(ParseMarkdown(md, multiline), root);
    std::ostringstream ss;
    root.print(ss, "", pugi::format_raw);
    return ss.str();
}

std::string FromXmlString(const std::string& xml, bool multiline) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(xml.c_str(), pugi::parse_default | pugi::parse_ws_pcdata));
    Markup m = FromXml(doc.document_element(), multiline);
    Normalise(m, multiline);
    return ToMarkdown(m, multiline);
}

TEST(MarkupTest, InlineElementsBecomeXml) {
    EXPECT_EQ(ToXmlString("a *b* **c** `d` \"e\" [f](#g) {{ insert: param, ac-1_prm_1 }} ~h~ ^i^", false),
              "<x>a <em>b</em> <strong>c</strong> <code>d</code> <q>e</q> <a href=\"#g\">f</a> "
              "<insert type=\"param\" id-ref=\"ac-1_prm_1\"/> <sub>h</sub> <sup>i</sup></x>");
}

TEST(MarkupTest, BlocksBecomeXml) {
    EXPECT_EQ(ToXmlString("Intro:\n\n1. one\n1. two\n    * nested\n\n# Head\n\n| a | b |\n| --- | --- |\n| c | d |", true),
              "<x><p>Intro:</p><ol><li>one</li><li>two<ul><li>nested</li></ul></li></ol><h1>Head</h1>"
              "<table><tr><th>a</th><th>b</th></tr><tr><td>c</td><td>d</td></tr></table></x>");
}

TEST(MarkupTest, PrettyPrintedXmlReadsAsOneLineMarkdown) {
    EXPECT_EQ(FromXmlString("<x>\n  <p>To implement\n      cryptographic <em>mechanisms</em>\n    here.</p>\n"
                            "  <ul>\n    <li>first</li>\n    <li> second </li>\n  </ul>\n</x>",
                            true),
              "To implement cryptographic *mechanisms* here.\n\n* first\n* second");
}

TEST(MarkupTest, LiteralMarkdownCharactersAreEscapedAndRestored) {
    std::string xml = "<x><p>5 * 3 = [15] and \"quoted\" ~ C:\\dir</p></x>";
    std::string md = FromXmlString(xml, true);
    EXPECT_EQ(md, "5 \\* 3 = \\[15\\] and \\\"quoted\\\" \\~ C:\\\\dir");
    EXPECT_EQ(ToXmlString(md, true), "<x><p>5 * 3 = [15] and \"quoted\" ~ C:\\dir</p></x>");
}

TEST(MarkupTest, ParagraphThatLooksLikeAListStaysAParagraph) {
    std::string xml = "<x><p>1. not a list</p><p># not a heading</p></x>";
    std::string md = FromXmlString(xml, true);
    EXPECT_EQ(ToXmlString(md, true), "<x><p>1. not a list</p><p># not a heading</p></x>");
}

TEST(MarkupTest, PreKeepsItsWhitespace) {
    std::string md = "```\n  a   b\n    c\n```";
    EXPECT_EQ(ToXmlString(md, true), "<x><pre>  a   b\n    c</pre></x>");
    EXPECT_EQ(Canonical(md, true), md);
}

TEST(MarkupTest, CanonicalFormIgnoresLayoutOnly) {
    EXPECT_EQ(Canonical("a\n\n\n* x\n* y\n\n\nb", true), Canonical("a\n\n* x\n* y\n\nb", true));
    EXPECT_NE(Canonical("a *b*", false), Canonical("a b", false));
}

}  // namespace
}  // namespace isms::oscal::markup
