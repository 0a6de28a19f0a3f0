// CSV reading (RFC 4180: quoted fields, doubled quotes, CRLF or LF, embedded newlines) with line numbers,
// so importers can name the line of every bad row.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace isms::io {

struct CsvRecord {
    int line = 0;  // 1-based line where the record starts
    std::vector<std::string> fields;
};

struct CsvDocument {
    std::vector<std::string> header;
    std::vector<CsvRecord> records;  // header excluded; blank lines skipped
    // Index of a header column, or -1.
    int Column(std::string_view name) const;
};

// Parses a whole CSV text whose first record is the header. A UTF-8 byte-order mark is ignored.
// Throws kInvalidInput naming the line for: an unterminated quote, a record with more or fewer fields than
// the header, invalid UTF-8, an empty file, a duplicate or empty header name.
CsvDocument ParseCsv(std::string_view text);

// True when `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace isms::io
