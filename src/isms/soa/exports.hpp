// Exports of the Statement of Applicability: a table (CSV, terminal) and a spreadsheet with one row per
// Annex A control, its applicability and justification (27001 6.1.3 d), implementation status, owner,
// notes and evidence; cells coloured by applicability and status. A second sheet lists the open items of
// the check, a third the approval (who, when, criteria version, override reason) for approved versions.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isms/io/table.hpp"
#include "isms/soa/statement.hpp"

namespace isms::soa {

struct ExportData {
    std::string organisation;
    std::optional<Version> version;  // set when exporting an approved version
    std::vector<Entry> entries;
};

io::Table SoaTable(const ExportData& d);
std::string SoaXlsx(const ExportData& d);
// Fill colours used for applicability and status values ("" when none).
std::string ApplicabilityColour(const std::string& applicability);
std::string StatusColour(const std::string& status);

}  // namespace isms::soa
