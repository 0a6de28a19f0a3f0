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
