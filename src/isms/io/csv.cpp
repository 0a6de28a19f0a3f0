#include "isms/io/csv.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <set>

#include "isms/core/error.hpp"

namespace isms::io {

bool IsValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = s[i];
        int n;
        if (c < 0x80) {
            n = 0;
        } else if ((c >> 5) == 6) {
            n = 1;
        } else if ((c >> 4) == 14) {
            n = 2;
        } else if ((c >> 3) == 30) {
            n = 3;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k <= n; ++k) {
            unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

int CsvDocument::Column(std::string_view name) const {
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return static_cast<int>(i);
    return -1;
}

CsvDocument ParseCsv(std::string_view text) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (!IsValidUtf8(text)) {
        int line = 1;
        size_t start = 0;
        while (start <= text.size()) {
            size_t nl = text.find('\n', start);
            std::string_view l = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
            if (!IsValidUtf8(l)) break;
            if (nl == std::string_view::npos) break;
            start = nl + 1;
            ++line;
        }
        throw Error::InvalidInput(fmt::format("line {}: the file is not valid UTF-8", line),
                                  {{"", "invalid UTF-8", {}, line}});
    }
    std::vector<CsvRecord> all;
    CsvRecord cur;
    std::string field;
    bool quoted = false, field_started = false, was_quoted = false;
    int line = 1;
    cur.line = 1;
    auto end_field = [&] {
        cur.fields.push_back(std::move(field));
        field.clear();
        field_started = false;
        was_quoted = false;
    };
    auto end_record = [&] {
        end_field();
        bool blank = cur.fields.size() == 1 && cur.fields[0].empty();
        if (!blank) all.push_back(std::move(cur));
        cur = CsvRecord{};
        cur.line = line;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (c == '"' && !field_started) {
            quoted = true;
            field_started = true;
            was_quoted = true;
        } else if (c == '"') {
            throw Error::InvalidInput(fmt::format("line {}: a quote inside an unquoted field", line),
                                      {{"", "stray quote", {}, line}});
        } else if (c == ',') {
            end_field();
        } else if (c == '\r') {
            // tolerated before \n
        } else if (c == '\n') {
            ++line;
            end_record();
        } else {
            if (was_quoted)
                throw Error::InvalidInput(fmt::format("line {}: text after a closing quote", line),
                                          {{"", "text after closing quote", {}, line}});
            field += c;
            field_started = true;
        }
    }
    if (quoted)
        throw Error::InvalidInput(fmt::format("line {}: a quoted field is never closed", cur.line),
                                  {{"", "unterminated quote", {}, cur.line}});
    if (field_started || !cur.fields.empty()) end_record();
    if (all.empty()) throw Error::InvalidInput("the file is empty: a header line is expected");
    CsvDocument doc;
    doc.header = all.front().fields;
    std::set<std::string> seen;
    for (auto& h : doc.header) {
        while (!h.empty() && (h.back() == ' ')) h.pop_back();
        if (h.empty()) throw Error::InvalidInput("line 1: an empty column name in the header", {{"", "empty", {}, 1}});
        if (!seen.insert(h).second)
            throw Error::InvalidInput(fmt::format("line 1: the column '{}' appears twice", h), {{h, "duplicate", {}, 1}});
    }
    std::vector<ErrorDetail> bad;
    for (size_t i = 1; i < all.size(); ++i) {
        if (all[i].fields.size() != doc.header.size()) {
            bad.push_back({"", fmt::format("line {}: {} fields, the header has {}", all[i].line, all[i].fields.size(),
                                           doc.header.size()),
                           {}, all[i].line});
        }
        doc.records.push_back(std::move(all[i]));
    }
    if (!bad.empty())
        throw Error::InvalidInput(fmt::format("{} line(s) do not have as many fields as the header; first: {}",
                                              bad.size(), bad.front().message),
                                  bad);
    return doc;
}

}  // namespace isms::io
