#include "isms/io/table.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace isms::io {
namespace {

TEST(TableTest, CsvEscapesAndNeutralisesFormulas) {
    Table t{{"a", "b"}, {{"x,y", "=cmd()"}, {"-5", "q\"q"}}};
    EXPECT_EQ(RenderCsv(t), "a,b\r\n\"x,y\",'=cmd()\r\n-5,\"q\"\"q\"\r\n");
}

TEST(TableTest, TextIsAligned) {
    Table t{{"id", "title"}, {{"5.1", "Policies"}, {"5.10", "Acceptable use"}}};
    auto s = RenderText(t);
    EXPECT_NE(s.find("5.1   Policies"), std::string::npos) << s;
    EXPECT_NE(s.find("5.10  Acceptable use"), std::string::npos) << s;
}

// Display width of each line (code points; the rule is made of multi-byte "─").
std::vector<size_t> LineWidths(const std::string& text) {
    std::vector<size_t> out;
    size_t n = 0;
    for (unsigned char c : text) {
        if (c == '\n') {
            out.push_back(n);
            n = 0;
        } else if ((c & 0xC0) != 0x80) {
            ++n;
        }
    }
    return out;
}

TEST(TableTest, TextNarrowsTheWidestColumnsToFitATerminal) {
    Table t{{"id", "title", "theme"},
            {{"5.23", "Information security for use of cloud services", "organizational"},
             {"8.16", "Monitoring activities", "technological"}}};
    std::string wide = RenderText(t);
    auto wide_widths = LineWidths(wide);
    const size_t title = std::string("Information security for use of cloud services").size();
    EXPECT_EQ(*std::max_element(wide_widths.begin(), wide_widths.end()), 4u + 2 + title + 2 + 14);
    std::string narrow = RenderText(t, 60, 45);
    for (size_t w : LineWidths(narrow)) EXPECT_LE(w, 45u) << narrow;
    EXPECT_NE(narrow.find("Information security f"), std::string::npos) << narrow;
    EXPECT_NE(narrow.find("…"), std::string::npos) << narrow;
    EXPECT_NE(narrow.find("5.23"), std::string::npos) << "narrow columns stay whole: " << narrow;
    // Too narrow to fit: columns stop at 12 characters (or their header), nothing disappears.
    std::string tiny = RenderText(t, 60, 10);
    EXPECT_NE(tiny.find("id"), std::string::npos);
    EXPECT_NE(tiny.find("title"), std::string::npos);
    EXPECT_NE(tiny.find("theme"), std::string::npos);
    // Render passes the width to the table format only.
    EXPECT_EQ(Render(t, Format::kCsv, 10), RenderCsv(t));
}

TEST(TableTest, MarkdownEscapesPipes) {
    Table t{{"a"}, {{"x|y"}}};
    EXPECT_NE(RenderMarkdown(t).find("x\\|y"), std::string::npos);
}

}  // namespace
}  // namespace isms::io

#include "isms/io/svg_chart.hpp"

namespace isms::io {
namespace {

TEST(SvgChartTest, EscapesTextAndDrawsEverySeries) {
    LineChart c;
    c.title = "<script>alert(1)</script>";
    c.log_x = true;
    c.series.push_back({"inherent", "#c00", {{1e3, 0.9}, {1e5, 0.1}, {1e6, 0.01}}});
    c.series.push_back({"residual", "#060", {{1e3, 0.5}, {1e5, 0.05}}});
    auto svg = RenderSvg(c);
    EXPECT_EQ(svg.find("<script>"), std::string::npos);
    EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
    size_t paths = 0;
    for (size_t i = svg.find("<path d=\"M"); i != std::string::npos; i = svg.find("<path d=\"M", i + 1)) ++paths;
    EXPECT_EQ(paths, 2u) << svg;
}

TEST(SvgChartTest, CompactNumbers) {
    EXPECT_EQ(CompactNumber(1234567), "1.23M");
    EXPECT_EQ(CompactNumber(12000), "12k");
}

}  // namespace
}  // namespace isms::io
