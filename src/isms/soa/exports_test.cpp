// The SoA spreadsheet opened as what it is, a ZIP of XML parts: its sheets, the frozen header and control columns,
// the filters, and the fill of each applicability and status cell followed through styles.xml to its colour.
#include "isms/soa/exports.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <pugixml.hpp>
#include <string>

#include "isms/io/unzip_for_tests.hpp"

namespace isms::soa {
namespace {

Entry Make(const std::string& id, const std::string& applicability, const std::string& status) {
    Entry e;
    e.control_id = id;
    e.title = "Control " + id;
    e.theme = "organizational";
    e.applicability = applicability;
    e.decided_by = applicability == "undecided" ? "" : "decision";
    e.status = status;
    if (applicability == "applicable") e.business_need = "Customer contracts";
    if (applicability == "not_applicable") e.exclusion_reason = "No premises";
    e.attributes["control_type"] = {"Preventive"};
    return e;
}

// "#c8e6c9" → "FFC8E6C9", as styles.xml writes a colour.
std::string Argb(const std::string& colour) {
    std::string s = "FF" + colour.substr(1);
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

class SoaExportsTest : public ::testing::Test {
  protected:
    SoaExportsTest() {
        d_.organisation = "Kvarnberg <Cloud> AB";
        d_.entries = {Make("5.1", "applicable", "implemented"), Make("5.7", "undecided", "not_started"),
                      Make("7.4", "not_applicable", "not_applicable"), Make("8.16", "applicable", "partial"),
                      Make("8.5", "applicable", "planned")};
        files_ = io::testing_support::Unzip(SoaXlsx(d_));
        for (const char* part : {"xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml",
                                 "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"}) {
            EXPECT_TRUE(files_.count(part)) << part;
            EXPECT_TRUE(xml_[part].load_string(files_[part].c_str())) << part;
        }
    }

    // The fill colour (ARGB) of cell `ref` on the first sheet, "" when it has no solid fill.
    std::string FillOf(const std::string& ref) {
        auto cell = xml_["xl/worksheets/sheet1.xml"].select_node(("//c[@r='" + ref + "']").c_str()).node();
        EXPECT_TRUE(cell) << ref;
        int style = cell.attribute("s").as_int(0);
        auto styles = xml_["xl/styles.xml"].child("styleSheet");
        int i = 0;
        pugi::xml_node xf;
        for (auto x : styles.child("cellXfs").children("xf"))
            if (i++ == style) xf = x;
        EXPECT_TRUE(xf) << ref << ": style " << style;
        int fill_id = xf.attribute("fillId").as_int(0);
        i = 0;
        for (auto f : styles.child("fills").children("fill")) {
            if (i++ != fill_id) continue;
            auto pattern = f.child("patternFill");
            if (std::string(pattern.attribute("patternType").value()) != "solid") return "";
            return pattern.child("fgColor").attribute("rgb").value();
        }
        ADD_FAILURE() << ref << ": no fill " << fill_id;
        return "";
    }

    ExportData d_;
    std::map<std::string, std::string> files_;
    std::map<std::string, pugi::xml_document> xml_;
};

TEST_F(SoaExportsTest, SpreadsheetHasTheStatementOpenItemsAndApprovalSheets) {
    std::vector<std::string> names;
    for (auto s : xml_["xl/workbook.xml"].child("workbook").child("sheets").children("sheet"))
        names.push_back(s.attribute("name").value());
    EXPECT_EQ(names, (std::vector<std::string>{"Statement of Applicability", "Open items", "Approval"}));
    // The check's open items are listed on their sheet: 5.7 is undecided.
    EXPECT_NE(files_["xl/worksheets/sheet2.xml"].find("no_decision"), std::string::npos);
    // The organisation's name is text, escaped, not markup.
    EXPECT_NE(files_["xl/worksheets/sheet3.xml"].find("Kvarnberg &lt;Cloud&gt; AB"), std::string::npos);
}

TEST_F(SoaExportsTest, HeaderRowAndControlColumnsAreFrozenAndEveryColumnFilters) {
    auto sheet = xml_["xl/worksheets/sheet1.xml"].child("worksheet");
    auto pane = sheet.child("sheetViews").child("sheetView").child("pane");
    ASSERT_TRUE(pane);
    EXPECT_STREQ(pane.attribute("state").value(), "frozen");
    EXPECT_EQ(pane.attribute("xSplit").as_int(), 2);  // control and title
    EXPECT_EQ(pane.attribute("ySplit").as_int(), 1);  // the header row
    // 14 columns (A–N), the header and one row per control.
    EXPECT_STREQ(sheet.child("autoFilter").attribute("ref").value(), "A1:N6");
    EXPECT_TRUE(xml_["xl/worksheets/sheet2.xml"].child("worksheet").child("autoFilter"));
    EXPECT_FALSE(xml_["xl/worksheets/sheet3.xml"].child("worksheet").child("autoFilter"));  // a key/value sheet
}

TEST_F(SoaExportsTest, ApplicabilityAndStatusCellsAreFilledByTheirValue) {
    // Column D is the applicability, J the implementation status; rows 2–6 the controls in order.
    for (size_t i = 0; i < d_.entries.size(); ++i) {
        const Entry& e = d_.entries[i];
        std::string row = std::to_string(i + 2);
        EXPECT_EQ(FillOf("D" + row), Argb(ApplicabilityColour(e.applicability))) << e.control_id;
        EXPECT_EQ(FillOf("J" + row), Argb(StatusColour(e.status))) << e.control_id;
        EXPECT_EQ(FillOf("B" + row), "") << e.control_id << ": the title has no fill";
    }
    // Each value has a colour of its own.
    EXPECT_NE(StatusColour("implemented"), StatusColour("partial"));
    EXPECT_NE(ApplicabilityColour("applicable"), ApplicabilityColour("not_applicable"));
    EXPECT_EQ(StatusColour("something else"), "");
}

}  // namespace
}  // namespace isms::soa
