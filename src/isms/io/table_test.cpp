#include "isms/io/table.hpp"

#include <gtest/gtest.h>

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
