#include "isms/io/report.hpp"

#include <gtest/gtest.h>

#include "isms/io/pdf.hpp"
#include "isms/io/pdf_for_tests.hpp"

namespace isms::io {
namespace {

using testing_support::PdfPages;
using testing_support::PdfStructureProblems;
using testing_support::PdfToText;

Report Sample(int rows) {
    Report r;
    r.title = "Internal audit report — AUD-1";
    r.subtitle = "Kvarnberg Cloud AB · Göteborg & Malmö";
    r.Heading("Scope").Paragraph("Payroll platform (production)\nSecond line with “quotes” – and € 12").Facts(
        {{"lead auditor", "Nils Wallin"}, {"dates", "2026-03-02 to 2026-03-06"}});
    std::vector<std::vector<std::string>> body;
    std::vector<std::string> marks;
    for (int i = 1; i <= rows; ++i) {
        body.push_back({std::to_string(i), "Question " + std::to_string(i) +
                                               " about access control and logging, long enough to wrap in its cell",
                        i % 3 == 0 ? "nonconforming" : "conforming"});
        marks.push_back(i % 3 == 0 ? "bad" : "");
    }
    r.Heading("Checklist").Table({"#", "question", "result"}, body, marks, {1, 8, 2});
    r.List({"first point", "second point"});
    LineChart c;
    c.title = "Patch latency";
    c.series.push_back({"days", "#1f5fa8", {{1, 10}, {2, 8}, {3, 12}}});
    r.Chart(c);
    return r;
}

TEST(PdfWriterTest, WrapKeepsEveryLineWithinTheWidthAndCutsLongWords) {
    std::string text = "The quick brown fox jumps over the lazy dog and keeps running through the Swedish forest";
    auto lines = PdfWriter::Wrap(text, 10, false, 120);
    ASSERT_GT(lines.size(), 2u);
    std::string joined;
    for (const auto& l : lines) {
        EXPECT_LE(PdfWriter::TextWidth(l, 10, false), 120.0) << l;
        joined += (joined.empty() ? "" : " ") + l;
    }
    EXPECT_EQ(joined, text);
    auto cut = PdfWriter::Wrap(std::string(80, 'W'), 10, true, 100);
    EXPECT_GT(cut.size(), 5u);
    for (const auto& l : cut) EXPECT_LE(PdfWriter::TextWidth(l, 10, true), 100.0);
    // Newlines start lines; an empty text is one empty line.
    EXPECT_EQ(PdfWriter::Wrap("a\nb", 10, false, 500).size(), 2u);
    EXPECT_EQ(PdfWriter::Wrap("", 10, false, 500).size(), 1u);
}

TEST(PdfWriterTest, TextIsEncodedInWinAnsiWithWidthsOfTheStandardMetrics) {
    EXPECT_EQ(PdfWriter::ToWinAnsi("åäö ÅÄÖ"), "\xe5\xe4\xf6 \xc5\xc4\xd6");
    EXPECT_EQ(PdfWriter::ToWinAnsi("“a” – € …"), "\x93" "a\x94 \x96 \x80 \x85");
    EXPECT_EQ(PdfWriter::ToWinAnsi("漢 \xff"), "? ?");  // outside WinAnsi, malformed UTF-8
    // Helvetica: "A" is 667/1000 em, "i" 222; bold "i" 278.
    EXPECT_DOUBLE_EQ(PdfWriter::TextWidth("A", 10, false), 6.67);
    EXPECT_DOUBLE_EQ(PdfWriter::TextWidth("i", 10, false), 2.22);
    EXPECT_DOUBLE_EQ(PdfWriter::TextWidth("i", 10, true), 2.78);
}

TEST(ReportTest, PdfIsWellFormedAndReadableByAnIndependentReader) {
    std::string pdf = RenderPdf(Sample(5));
    EXPECT_TRUE(PdfStructureProblems(pdf).empty()) << PdfStructureProblems(pdf)[0];
    std::string text = PdfToText(pdf);
    ASSERT_FALSE(text.empty()) << "pdftotext (poppler-utils, scripts/deps.sh) could not read the PDF";
    EXPECT_NE(text.find("Internal audit report — AUD-1"), std::string::npos) << text;
    EXPECT_NE(text.find("Göteborg & Malmö"), std::string::npos) << text;
    EXPECT_NE(text.find("“quotes” – and € 12"), std::string::npos) << text;
    EXPECT_NE(text.find("Nils Wallin"), std::string::npos);
    EXPECT_NE(text.find("nonconforming"), std::string::npos);
    EXPECT_NE(text.find("• second point"), std::string::npos);
    EXPECT_NE(text.find("page 1 of 1"), std::string::npos);
    EXPECT_EQ(PdfPages(pdf), 1);
}

TEST(ReportTest, LongTablesContinueOnNewPagesWithTheirHeader) {
    std::string pdf = RenderPdf(Sample(120));
    EXPECT_TRUE(PdfStructureProblems(pdf).empty());
    int pages = PdfPages(pdf);
    ASSERT_GT(pages, 2);
    std::string text = PdfToText(pdf);
    // Every row is there once, and the header repeats on each page the table spans.
    EXPECT_NE(text.find("Question 120 about"), std::string::npos);
    size_t headers = 0;
    for (size_t p = text.find("question"); p != std::string::npos; p = text.find("question", p + 1)) ++headers;
    EXPECT_GE(headers, static_cast<size_t>(pages - 1));
    EXPECT_NE(text.find(fmt::format("page {} of {}", pages, pages)), std::string::npos);
}

TEST(ReportTest, HtmlIsSelfContainedAndEscapesText) {
    Report r = Sample(3);
    r.Paragraph("<script>alert(1)</script>");
    std::string html = RenderHtml(r);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("<tr class=\"bad\">"), std::string::npos);
    EXPECT_NE(html.find("Göteborg &amp; Malmö"), std::string::npos);
    EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // no external resources
}

}  // namespace
}  // namespace isms::io
