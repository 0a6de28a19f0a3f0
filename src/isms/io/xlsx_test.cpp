#include "isms/io/xlsx.hpp"

#include <gtest/gtest.h>

#include "isms/core/error.hpp"
#include "isms/io/unzip_for_tests.hpp"

namespace isms::io {
namespace {

XlsxDocument Sample() {
    XlsxDocument d;
    d.title = "Risk register";
    XlsxSheet s;
    s.name = "Risks";
    s.columns = {{"id"}, {"title", 0, true}, {"score", 0, false, true}};
    s.rows = {{"R-1", "Phishing", "16"}, {"R-2", "=HYPERLINK(\"http://evil\")", "x9"}, {"R-3", "Outage", ""}};
    s.fills = {{"", "", "#c62828"}, {"", "", "#ffc107"}};
    s.freeze_columns = 1;
    d.sheets.push_back(s);
    return d;
}

TEST(XlsxTest, HeaderFilterFrozenPanesAndFillsAreWritten) {
    auto bytes = WriteXlsx(Sample());
    ASSERT_GT(bytes.size(), 1000u);
    EXPECT_EQ(bytes.substr(0, 2), "PK");
    auto files = testing_support::Unzip(bytes);
    ASSERT_TRUE(files.count("xl/worksheets/sheet1.xml"));
    const auto& sheet = files["xl/worksheets/sheet1.xml"];
    EXPECT_NE(sheet.find("<autoFilter ref=\"A1:C4\"/>"), std::string::npos) << sheet;
    EXPECT_NE(sheet.find("xSplit=\"1\" ySplit=\"1\""), std::string::npos);
    EXPECT_NE(sheet.find("state=\"frozen\""), std::string::npos);
    // The numeric column holds 16 as a number, "x9" stays text.
    EXPECT_NE(sheet.find("<v>16</v>"), std::string::npos);
    EXPECT_NE(sheet.find("x9"), std::string::npos);
    // A formula in user data stays text: no <f> element anywhere.
    EXPECT_EQ(sheet.find("<f>"), std::string::npos);
    EXPECT_NE(sheet.find("HYPERLINK"), std::string::npos);
    const auto& styles = files["xl/styles.xml"];
    EXPECT_NE(styles.find("FFC62828"), std::string::npos);
    EXPECT_NE(styles.find("FFFFC107"), std::string::npos);
    EXPECT_NE(files["docProps/core.xml"].find("Risk register"), std::string::npos);
}

TEST(XlsxTest, BadSheetsAreRefused) {
    auto d = Sample();
    d.sheets[0].name = "Risks: 2026";
    EXPECT_THROW(WriteXlsx(d), Error);
    d = Sample();
    d.sheets[0].rows[0].push_back("extra");
    EXPECT_THROW(WriteXlsx(d), Error);
    d = Sample();
    d.sheets[0].fills[0][2] = "red";
    EXPECT_THROW(WriteXlsx(d), Error);
    EXPECT_THROW(WriteXlsx(XlsxDocument{}), Error);
}

TEST(XlsxTest, SeveralSheets) {
    auto d = Sample();
    auto s2 = d.sheets[0];
    s2.name = "Actions";
    d.sheets.push_back(s2);
    auto files = testing_support::Unzip(WriteXlsx(d));
    EXPECT_TRUE(files.count("xl/worksheets/sheet2.xml"));
    EXPECT_NE(files["xl/workbook.xml"].find("name=\"Actions\""), std::string::npos);
}

}  // namespace
}  // namespace isms::io
