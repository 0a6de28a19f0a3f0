// Outputs of the risk register: the register as a table (CSV, terminal) and a spreadsheet (XLSX with colours
// by level), the heat map of inherent and residual risk (SVG), and a printable HTML report of the risk
// treatment plan (27001 6.1.3 e, 8.3: the plan and its results are documented information).
//
// The render functions are pure (input → text/bytes) and tested on their own; RiskReports gathers what they
// need (risks, criteria versions, names of persons, assets and controls) for the caller's organisation.
// Permissions: kRead. Thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/io/table.hpp"
#include "isms/risk/criteria.hpp"
#include "isms/risk/directory.hpp"
#include "isms/risk/register.hpp"

namespace isms::risk {

// Everything the renderers show, resolved to names.
struct ReportData {
    std::string organisation;  // name shown in titles
    std::string generated_at;  // RFC 3339
    std::string today;         // YYYY-MM-DD (overdue actions)
    RiskCriteria current;      // the organisation's current criteria
    std::map<int, RiskCriteria> criteria;       // every version risks were scored on
    std::vector<Risk> risks;                    // in register order, with actions
    std::map<std::string, std::string> names;   // person/asset/threat/vulnerability/control id → name
    std::string Name(const std::string& id) const;  // "id name" or the id alone
};

io::Table RegisterTable(const ReportData& d);
io::Table ActionsTable(const ReportData& d);
// Sheets "Risk register", "Treatment actions", "Risk criteria"; level cells filled with the level colour.
std::string RegisterXlsx(const ReportData& d);
// Two grids (inherent, residual) on the current criteria, each cell coloured by its level and showing how
// many open risks lie in it; risks scored on older criteria versions are counted in a note.
std::string HeatMapSvg(const ReportData& d);
// A self-contained printable HTML document (no scripts, no external resources).
std::string TreatmentPlanHtml(const ReportData& d);

class RiskReports {
public:
    RiskReports(RiskRegister& risks, RiskLibrary& library, catalog::CatalogService& catalog, RecordDirectory& records)
        : risks_(risks), library_(library), catalog_(catalog), records_(records) {}

    // Reads the organisation's register. `organisation` is the name used in titles.
    ReportData Gather(const Context& ctx, const std::string& organisation, bool include_closed = true);

private:
    RiskRegister& risks_;
    RiskLibrary& library_;
    catalog::CatalogService& catalog_;
    RecordDirectory& records_;
};

}  // namespace isms::risk
