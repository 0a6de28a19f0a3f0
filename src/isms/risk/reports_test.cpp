#include "isms/risk/reports.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "isms/io/unzip_for_tests.hpp"

namespace isms::risk {
namespace {

class RiskReportsTest : public ::testing::Test {
protected:
    RiskReportsTest() {
        d_.organisation = "Kvarnberg <Cloud> AB";
        d_.generated_at = "2026-11-23T10:00:00.000Z";
        d_.today = "2026-11-23";
        d_.current = RiskCriteria::Default(5);
        d_.current.version = 2;
        auto old = RiskCriteria::Default(3);
        old.version = 1;
        d_.criteria = {{1, old}, {2, d_.current}};
        d_.names = {{"P-1", "Anna Berg"}, {"AS-1", "Payroll database"}, {"8.5", "Secure authentication"}};
        d_.risks.push_back(Make("R-1", 4, 4, 2, 3));   // high → medium
        d_.risks.push_back(Make("R-2", 4, 5, 0, 0));   // critical, untreated
        d_.risks.push_back(Make("R-3", 2, 2, 0, 0));   // low
        d_.risks.push_back(Make("R-4", 3, 3, 0, 0));   // scored on version 1: not on the heat map
        d_.risks.back().inherent->criteria_version = 1;
        d_.risks[0].title = "Credential theft & <script>alert(1)</script>";
        TreatmentAction a;
        a.id = "A-1";
        a.risk_id = "R-1";
        a.title = "Enforce MFA";
        a.owner = "P-1";
        a.due_date = "2026-10-01";  // overdue
        a.status = "open";
        d_.risks[0].actions.push_back(a);
    }

    Risk Make(const std::string& id, int l, int c, int rl, int rc) {
        Risk k;
        k.id = id;
        k.title = "Risk " + id;
        k.owner = "P-1";
        k.assets = {"AS-1"};
        k.status = "assessed";
        k.inherent = Score{l, c, 2, d_.current.LevelOf(l, c).id};
        if (rl) {
            Treatment t;
            t.option = TreatmentOption::kModify;
            t.controls = {"8.5"};
            t.plan = "Roll out MFA";
            t.residual = Score{rl, rc, 2, d_.current.LevelOf(rl, rc).id};
            k.treatment = t;
            k.status = "treatment_planned";
        }
        return k;
    }

    ReportData d_;
};

TEST_F(RiskReportsTest, RegisterTableShowsNamesLevelsAndOverdueActions) {
    auto t = RegisterTable(d_);
    ASSERT_EQ(t.rows.size(), 4u);
    auto col = [&](const std::string& name) {
        return static_cast<size_t>(std::find(t.columns.begin(), t.columns.end(), name) - t.columns.begin());
    };
    EXPECT_EQ(t.rows[0][col("owner")], "P-1 Anna Berg");
    EXPECT_EQ(t.rows[0][col("assets")], "AS-1 Payroll database");
    EXPECT_EQ(t.rows[0][col("inherent_level")], "High");
    EXPECT_EQ(t.rows[0][col("residual_level")], "Medium");
    EXPECT_EQ(t.rows[0][col("overdue_actions")], "1");
    EXPECT_EQ(t.rows[1][col("inherent_level")], "Critical");
    EXPECT_EQ(t.rows[1][col("residual_level")], "");
    EXPECT_EQ(t.rows[3][col("criteria_version")], "1");
    EXPECT_EQ(ActionsTable(d_).rows.at(0).at(8), "yes");
}

TEST_F(RiskReportsTest, HeatMapCountsRisksPerCellAndIsWellFormed) {
    auto svg = HeatMapSvg(d_);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str())) << svg.substr(0, 400);
    // Inherent: R-1 at 4×4; residual: R-1 moved to 2×3. R-4 (older criteria) is counted in the note.
    int with_r1 = 0;
    for (auto t : doc.select_nodes("//g/title")) {
        std::string text = t.node().child_value();
        if (text.find("R-1") != std::string::npos) {
            ++with_r1;
            EXPECT_TRUE(text.rfind("Likely × Major", 0) == 0 || text.rfind("Unlikely × Moderate", 0) == 0) << text;
        }
        EXPECT_EQ(text.find("R-4"), std::string::npos);
    }
    EXPECT_EQ(with_r1, 2);
    EXPECT_NE(svg.find("1 risk scored on earlier criteria"), std::string::npos);
    EXPECT_NE(svg.find("Kvarnberg &lt;Cloud&gt; AB"), std::string::npos);
    // 25 cells per grid, two grids.
    EXPECT_EQ(doc.select_nodes("//g/rect").size(), 50u);
}

TEST_F(RiskReportsTest, TreatmentPlanIsSelfContainedAndEscaped) {
    auto html = TreatmentPlanHtml(d_);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("Credential theft &amp; &lt;script&gt;"), std::string::npos);
    EXPECT_NE(html.find("class=\"overdue\""), std::string::npos);
    EXPECT_NE(html.find("8.5 Secure authentication"), std::string::npos);
    EXPECT_NE(html.find("not yet accepted"), std::string::npos);
    // No external resources (the SVG namespace URI is a name, not a fetch).
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("href="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST_F(RiskReportsTest, SpreadsheetHasThreeSheetsAndLevelColours) {
    auto files = io::testing_support::Unzip(RegisterXlsx(d_));
    EXPECT_NE(files["xl/workbook.xml"].find("name=\"Risk register\""), std::string::npos);
    EXPECT_NE(files["xl/workbook.xml"].find("name=\"Treatment actions\""), std::string::npos);
    EXPECT_NE(files["xl/workbook.xml"].find("name=\"Risk criteria\""), std::string::npos);
    const auto& styles = files["xl/styles.xml"];
    for (const auto& lv : d_.current.levels) {
        std::string argb = "FF" + lv.colour.substr(1);
        for (auto& ch : argb) ch = static_cast<char>(std::toupper(ch));
        EXPECT_NE(styles.find(argb), std::string::npos) << lv.id;
    }
    EXPECT_NE(files["xl/worksheets/sheet1.xml"].find("<autoFilter ref=\"A1:Z5\"/>"), std::string::npos);
}

}  // namespace
}  // namespace isms::risk
