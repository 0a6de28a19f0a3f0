#include "isms/io/xlsx.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "isms/core/error.hpp"

namespace isms::io {

namespace {

bool ValidSheetName(const std::string& s) {
    if (s.empty() || s.size() > 31) return false;
    return s.find_first_of("[]:*?/\\") == std::string::npos;
}

bool ValidFill(const std::string& s) {
    if (s.size() != 7 || s[0] != '#') return false;
    return std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

uint32_t Rgb(const std::string& s) { return static_cast<uint32_t>(std::stoul(s.substr(1), nullptr, 16)); }

// Perceived brightness (ITU-R BT.601): dark fills get white text.
bool IsDark(uint32_t rgb) {
    double r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
    return 0.299 * r + 0.587 * g + 0.114 * b < 140;
}

bool WholeNumber(const std::string& s) {
    if (s.empty() || s.size() > 15) return false;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return false;
    return std::all_of(s.begin() + i, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

size_t DisplayWidth(const std::string& s) {
    size_t n = 0, line = 0;
    for (unsigned char c : s) {
        if (c == '\n') {
            n = std::max(n, line);
            line = 0;
        } else if ((c & 0xC0) != 0x80) {
            ++line;
        }
    }
    return std::max(n, line);
}

// Removes the temporary file whatever happens.
struct TempFile {
    std::string path;
    ~TempFile() {
        if (!path.empty()) std::remove(path.c_str());
    }
};

class Workbook {
public:
    Workbook(const std::string& path, const std::string& tmpdir) {
        lxw_workbook_options options{};
        options.constant_memory = LXW_TRUE;
        options.tmpdir = const_cast<char*>(tmpdir.c_str());
        wb_ = workbook_new_opt(path.c_str(), &options);
        if (!wb_) throw Error::Unavailable("cannot create the spreadsheet file in " + tmpdir);
    }
    ~Workbook() {
        if (wb_) workbook_close(wb_);  // only on error paths: Close() clears wb_
    }
    lxw_workbook* get() { return wb_; }
    void Close() {
        lxw_error e = workbook_close(wb_);
        wb_ = nullptr;
        if (e != LXW_NO_ERROR)
            throw Error::Internal(fmt::format("writing the spreadsheet failed: {}", lxw_strerror(e)));
    }

private:
    lxw_workbook* wb_ = nullptr;
};

void Check(lxw_error e, const char* what) {
    if (e != LXW_NO_ERROR) throw Error::Internal(fmt::format("spreadsheet: {} failed: {}", what, lxw_strerror(e)));
}

}  // namespace

std::string WriteXlsx(const XlsxDocument& doc) {
    if (doc.sheets.empty()) throw Error::InvalidInput("a spreadsheet needs at least one sheet");
    for (const auto& s : doc.sheets) {
        if (!ValidSheetName(s.name))
            throw Error::InvalidInput(fmt::format("'{}' cannot name a sheet: 1 to 31 characters without []:*?/\\",
                                                  s.name));
        for (size_t r = 0; r < s.rows.size(); ++r)
            if (s.rows[r].size() > s.columns.size())
                throw Error::InvalidInput(fmt::format("sheet '{}' row {} has {} cells for {} columns", s.name, r + 1,
                                                      s.rows[r].size(), s.columns.size()));
        for (const auto& row : s.fills)
            for (const auto& f : row)
                if (!f.empty() && !ValidFill(f))
                    throw Error::InvalidInput(fmt::format("'{}' is not a fill colour of the form #rrggbb", f));
    }
    std::string tmpdir = std::filesystem::temp_directory_path().string();
    TempFile tmp;
    {
        std::string templ = tmpdir + "/isms-xlsx-XXXXXX";
        std::vector<char> buf(templ.begin(), templ.end());
        buf.push_back('\0');
        int fd = mkstemp(buf.data());
        if (fd < 0) throw Error::Unavailable("cannot create a temporary file in " + tmpdir);
        close(fd);
        tmp.path = buf.data();
    }
    Workbook wb(tmp.path, tmpdir);
    lxw_doc_properties props{};
    props.title = const_cast<char*>(doc.title.c_str());
    props.subject = const_cast<char*>(doc.subject.c_str());
    props.author = const_cast<char*>(doc.author.c_str());
    props.comments = const_cast<char*>("Written by isms");
    Check(workbook_set_properties(wb.get(), &props), "document properties");

    lxw_format* header = workbook_add_format(wb.get());
    format_set_bold(header);
    format_set_bg_color(header, 0xDDE3EA);
    format_set_bottom(header, LXW_BORDER_THIN);
    format_set_text_wrap(header);
    format_set_align(header, LXW_ALIGN_VERTICAL_TOP);
    lxw_format* plain = workbook_add_format(wb.get());
    format_set_align(plain, LXW_ALIGN_VERTICAL_TOP);
    lxw_format* wrapped = workbook_add_format(wb.get());
    format_set_text_wrap(wrapped);
    format_set_align(wrapped, LXW_ALIGN_VERTICAL_TOP);
    // One format per (fill, wrap): libxlsxwriter formats are workbook-wide and must be created up front.
    std::map<std::pair<std::string, bool>, lxw_format*> fills;
    auto fill_format = [&](const std::string& colour, bool wrap) {
        auto key = std::make_pair(colour, wrap);
        auto it = fills.find(key);
        if (it != fills.end()) return it->second;
        lxw_format* f = workbook_add_format(wb.get());
        uint32_t rgb = Rgb(colour);
        format_set_bg_color(f, rgb);
        format_set_pattern(f, LXW_PATTERN_SOLID);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        if (IsDark(rgb)) format_set_font_color(f, LXW_COLOR_WHITE);
        if (wrap) format_set_text_wrap(f);
        fills.emplace(key, f);
        return f;
    };

    for (const auto& s : doc.sheets) {
        lxw_worksheet* ws = workbook_add_worksheet(wb.get(), s.name.c_str());
        if (!ws) throw Error::Internal("spreadsheet: adding the sheet '" + s.name + "' failed");
        // Widths first (before any row in constant-memory mode).
        for (size_t c = 0; c < s.columns.size(); ++c) {
            double width = s.columns[c].width;
            if (width <= 0) {
                size_t w = DisplayWidth(s.columns[c].title) + 2;
                size_t sample = std::min<size_t>(s.rows.size(), 500);  // a sample is enough to fit a column
                for (size_t r = 0; r < sample; ++r)
                    if (c < s.rows[r].size()) w = std::max(w, DisplayWidth(s.rows[r][c]) + 1);
                width = static_cast<double>(std::min<size_t>(w, 60));
            }
            Check(worksheet_set_column(ws, c, c, width, nullptr), "column width");
        }
        worksheet_freeze_panes(ws, 1, static_cast<lxw_col_t>(s.freeze_columns));
        for (size_t c = 0; c < s.columns.size(); ++c)
            Check(worksheet_write_string(ws, 0, c, s.columns[c].title.c_str(), header), "header");
        for (size_t r = 0; r < s.rows.size(); ++r) {
            const auto& row = s.rows[r];
            for (size_t c = 0; c < row.size(); ++c) {
                const auto& col = s.columns[c];
                std::string fill = r < s.fills.size() && c < s.fills[r].size() ? s.fills[r][c] : "";
                lxw_format* f = !fill.empty() ? fill_format(fill, col.wrap) : col.wrap ? wrapped : plain;
                lxw_row_t rr = static_cast<lxw_row_t>(r + 1);
                if (row[c].empty()) {
                    if (!fill.empty()) Check(worksheet_write_blank(ws, rr, c, f), "cell");
                } else if (col.numeric && WholeNumber(row[c])) {
                    Check(worksheet_write_number(ws, rr, c, std::stod(row[c]), f), "cell");
                } else {
                    Check(worksheet_write_string(ws, rr, c, row[c].c_str(), f), "cell");
                }
            }
        }
        if (s.autofilter && !s.columns.empty())
            Check(worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(s.rows.size()),
                                       static_cast<lxw_col_t>(s.columns.size() - 1)),
                  "autofilter");
    }
    wb.Close();
    std::ifstream in(tmp.path, std::ios::binary);
    if (!in) throw Error::Unavailable("cannot read back the spreadsheet from " + tmp.path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace isms::io
