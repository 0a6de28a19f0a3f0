#include "isms/io/table.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "isms/core/error.hpp"

namespace isms::io {

namespace {
// Display width in code points (UTF-8 continuation bytes do not count).
size_t Width(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string Cut(const std::string& s, size_t max) {
    if (Width(s) <= max) return s;
    std::string out;
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = s[i];
        if ((c & 0xC0) != 0x80) {
            if (n == max - 1) break;
            ++n;
        }
        out += s[i];
    }
    return out + "…";
}

std::string OneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    std::replace(s.begin(), s.end(), '\t', ' ');
    return s;
}
}  // namespace

Format ParseFormat(std::string_view s) {
    if (s == "table" || s == "text") return Format::kTable;
    if (s == "json") return Format::kJson;
    if (s == "csv") return Format::kCsv;
    if (s == "markdown" || s == "md") return Format::kMarkdown;
    throw Error::InvalidInput(fmt::format("unknown output format '{}'", s),
                              {{"format", "unknown format", {"table", "json", "csv", "markdown"}}});
}

std::string RenderText(const Table& t, size_t max_cell, size_t max_width) {
    const size_t n = t.columns.size();
    std::vector<size_t> w(n, 0);
    for (size_t c = 0; c < n; ++c) w[c] = Width(t.columns[c]);
    for (const auto& r : t.rows)
        for (size_t c = 0; c < n && c < r.size(); ++c) w[c] = std::max(w[c], std::min(Width(OneLine(r[c])), max_cell));
    if (max_width > 0 && n > 0) {
        // Narrow the widest column, one character at a time, until the rows fit. A column keeps at least its
        // header's width and 12 characters (or its natural width when smaller), so that short columns (ids,
        // levels, states) stay whole and long text absorbs the narrowing.
        auto total = [&] {
            size_t sum = 2 * (n - 1);
            for (size_t x : w) sum += x;
            return sum;
        };
        std::vector<size_t> floor(n);
        for (size_t c = 0; c < n; ++c)
            floor[c] = std::min(w[c], std::max<size_t>(std::min<size_t>(Width(t.columns[c]), 24), 12));
        while (total() > max_width) {
            size_t widest = n;
            for (size_t c = 0; c < n; ++c)
                if (w[c] > floor[c] && (widest == n || w[c] > w[widest])) widest = c;
            if (widest == n) break;
            --w[widest];
        }
    }
    std::vector<std::vector<std::string>> cells;
    cells.reserve(t.rows.size());
    for (const auto& r : t.rows) {
        std::vector<std::string> row;
        for (size_t c = 0; c < n; ++c) row.push_back(c < r.size() ? Cut(OneLine(r[c]), w[c]) : "");
        cells.push_back(std::move(row));
    }
    std::string out;
    auto line = [&](const std::vector<std::string>& row) {
        std::string l;
        for (size_t c = 0; c < row.size(); ++c) {
            l += row[c];
            if (c + 1 < row.size()) l += std::string(w[c] - Width(row[c]) + 2, ' ');
        }
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l + "\n";
    };
    std::vector<std::string> header;
    for (size_t c = 0; c < n; ++c) header.push_back(Cut(t.columns[c], w[c]));
    line(header);
    std::vector<std::string> rule;
    for (size_t c = 0; c < t.columns.size(); ++c) {
        std::string r;
        for (size_t i = 0; i < w[c]; ++i) r += "─";
        rule.push_back(r);
    }
    // The rule is made of multi-byte characters; align by width.
    {
        std::string l;
        for (size_t c = 0; c < rule.size(); ++c) {
            l += rule[c];
            if (c + 1 < rule.size()) l += "  ";
        }
        out += l + "\n";
    }
    for (const auto& r : cells) line(r);
    return out;
}

std::string CsvField(std::string_view s) {
    std::string v(s);
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
        // A leading '-' followed by a digit is a negative number, not a formula.
        if (!(v[0] == '-' && v.size() > 1 && std::isdigit(static_cast<unsigned char>(v[1])))) v = "'" + v;
    }
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string RenderCsv(const Table& t) {
    std::string out;
    auto line = [&](const std::vector<std::string>& row) {
        for (size_t c = 0; c < row.size(); ++c) {
            if (c) out += ',';
            out += CsvField(row[c]);
        }
        out += "\r\n";
    };
    line(t.columns);
    for (const auto& r : t.rows) line(r);
    return out;
}

std::string RenderMarkdown(const Table& t) {
    auto esc = [](const std::string& s) {
        std::string o;
        for (char c : OneLine(s)) {
            if (c == '|') o += '\\';
            o += c;
        }
        return o;
    };
    std::string out = "|";
    for (const auto& c : t.columns) out += " " + esc(c) + " |";
    out += "\n|";
    for (size_t i = 0; i < t.columns.size(); ++i) out += " --- |";
    out += "\n";
    for (const auto& r : t.rows) {
        out += "|";
        for (size_t c = 0; c < t.columns.size(); ++c) out += " " + esc(c < r.size() ? r[c] : "") + " |";
        out += "\n";
    }
    return out;
}

Json ToJson(const Table& t) {
    Json arr = Json::array();
    for (const auto& r : t.rows) {
        Json o = Json::object();
        for (size_t c = 0; c < t.columns.size(); ++c) o[t.columns[c]] = c < r.size() ? r[c] : "";
        arr.push_back(std::move(o));
    }
    return arr;
}

std::string Render(const Table& t, Format f, size_t max_width) {
    switch (f) {
        case Format::kTable: return RenderText(t, 60, max_width);
        case Format::kJson: return ToJson(t).dump(2) + "\n";
        case Format::kCsv: return RenderCsv(t);
        case Format::kMarkdown: return RenderMarkdown(t);
    }
    return {};
}

}  // namespace isms::io
