// Writing spreadsheets (Office Open XML, .xlsx) with libxlsxwriter: one or more sheets of text cells with a
// bold header row, an autofilter over the data, frozen panes, column widths and per-cell fill colours (the
// font turns white on dark fills). Used for the SoA and risk register exports; any table can use it.
//
// Cells are written as text (never as formulas, so "=cmd|…" in user data stays inert) unless the column is
// numeric and the cell holds a whole number. Sheets are streamed row by row (libxlsxwriter's constant-memory
// mode), so memory stays flat for large registers.
//
// Errors: kInvalidInput for a sheet name Excel refuses (empty, longer than 31, or with []:*?/\), a row with
// more cells than columns, or a fill that is not "#rrggbb"; kUnavailable when the temporary file cannot be
// written; kInternal for other library failures. Thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

namespace isms::io {

struct XlsxColumn {
    std::string title;
    double width = 0;      // characters; 0 = fitted to the content (capped at 60)
    bool wrap = false;     // wrap long text in its cell
    bool numeric = false;  // whole numbers are written as numbers
};

struct XlsxSheet {
    std::string name;
    std::vector<XlsxColumn> columns;
    std::vector<std::vector<std::string>> rows;
    // Optional fill colour per cell ("#rrggbb" or "" for none); rows/cells may be missing.
    std::vector<std::vector<std::string>> fills;
    int freeze_columns = 0;  // columns kept visible when scrolling sideways (the header row always is)
    bool autofilter = true;
};

struct XlsxDocument {
    std::vector<XlsxSheet> sheets;
    std::string title, subject, author;  // document properties
};

// The .xlsx file's bytes.
std::string WriteXlsx(const XlsxDocument& doc);

}  // namespace isms::io
