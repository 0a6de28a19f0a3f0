// A rectangular result (columns and rows of text) and its renderings: an aligned terminal table, CSV
// (RFC 4180), Markdown and JSON. Used by the CLI for every listing and by the API for CSV downloads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "isms/core/json.hpp"

namespace isms::io {

enum class Format { kTable, kJson, kCsv, kMarkdown };

// Parses "table", "json", "csv", "markdown"/"md"; throws kInvalidInput naming the accepted values.
Format ParseFormat(std::string_view s);

struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};

// Aligned columns; cells wider than `max_cell` are cut with "…". With `max_width` (a terminal's width; 0 =
// none) the widest columns are narrowed further until a row fits, down to each column's header width.
std::string RenderText(const Table& t, size_t max_cell = 60, size_t max_width = 0);
std::string RenderCsv(const Table& t);
std::string RenderMarkdown(const Table& t);
// Array of objects keyed by column name.
Json ToJson(const Table& t);
// Renders a table in any format (JSON pretty-printed); `max_width` applies to kTable only.
std::string Render(const Table& t, Format f, size_t max_width = 0);

// One CSV field escaped per RFC 4180 (quoted when it holds a comma, quote, CR or LF). Cells starting with
// '=', '+', '-' or '@' are prefixed with a quote mark so spreadsheets do not run them as formulas.
std::string CsvField(std::string_view s);

}  // namespace isms::io
