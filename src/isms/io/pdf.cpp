#include "isms/io/pdf.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace isms::io {

namespace {

// Advance widths (1/1000 em) of WinAnsiEncoding codes 32–255 in Helvetica and Helvetica-Bold, from Adobe's
// standard font metrics of the base-14 fonts (0: the code has no glyph in the encoding).
constexpr uint16_t kHelveticaWidths[224] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
};
constexpr uint16_t kHelveticaBoldWidths[224] = {
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
};

// Windows-1252 codes 128–159 by Unicode code point.
constexpr std::pair<char32_t, unsigned char> kCp1252[] = {
    {0x20AC, 128}, {0x201A, 130}, {0x0192, 131}, {0x201E, 132}, {0x2026, 133}, {0x2020, 134}, {0x2021, 135},
    {0x02C6, 136}, {0x2030, 137}, {0x0160, 138}, {0x2039, 139}, {0x0152, 140}, {0x017D, 142}, {0x2018, 145},
    {0x2019, 146}, {0x201C, 147}, {0x201D, 148}, {0x2022, 149}, {0x2013, 150}, {0x2014, 151}, {0x02DC, 152},
    {0x2122, 153}, {0x0161, 154}, {0x203A, 155}, {0x0153, 156}, {0x017E, 158}, {0x0178, 159},
};

// Decodes one UTF-8 sequence at s[i]; advances i. Malformed input gives U+FFFD.
char32_t NextCodePoint(std::string_view s, size_t& i) {
    auto c = static_cast<unsigned char>(s[i++]);
    if (c < 0x80) return c;
    int extra = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (extra < 0) return 0xFFFD;
    char32_t cp = c & (0x3F >> extra);
    for (int k = 0; k < extra; ++k) {
        if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
    }
    return cp;
}

std::string Encode(char32_t cp) {
    if (cp == '\t') return " ";
    if (cp == '\r') return "";
    if (cp >= 32 && cp < 127) return std::string(1, static_cast<char>(cp));
    if (cp >= 160 && cp <= 255) return std::string(1, static_cast<char>(cp));
    for (auto [u, b] : kCp1252)
        if (u == cp) return std::string(1, static_cast<char>(b));
    switch (cp) {
        case 0x2192: return "->";
        case 0x2190: return "<-";
        case 0x2264: return "<=";
        case 0x2265: return ">=";
        case 0x2212: return "-";
        case 0x2011: return "-";
        case 0x2010: return "-";
        case 0x00A0: return " ";
        case 0x202F: return " ";
        case 0x2009: return " ";
        case 0x2713: return "v";
        case 0x2715:
        case 0x2717: return "x";
        default: return "?";
    }
}

double Width(const std::string& winansi, double size, bool bold) {
    const uint16_t* w = bold ? kHelveticaBoldWidths : kHelveticaWidths;
    double total = 0;
    for (char ch : winansi) {
        auto c = static_cast<unsigned char>(ch);
        total += c >= 32 ? (w[c - 32] ? w[c - 32] : 500) : 0;
    }
    return total * size / 1000.0;
}

std::string PdfString(const std::string& winansi) {
    std::string out = "(";
    for (char c : winansi) {
        if (c == '(' || c == ')' || c == '\\') out += '\\';
        out += c;
    }
    return out + ")";
}

std::string Num(double v) {
    std::string s = fmt::format("{:.2f}", v);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string Colour(Rgb c, const char* op) { return fmt::format("{} {} {} {}\n", Num(c.r), Num(c.g), Num(c.b), op); }

}  // namespace

std::string PdfWriter::ToWinAnsi(std::string_view utf8) {
    std::string out;
    for (size_t i = 0; i < utf8.size();) out += Encode(NextCodePoint(utf8, i));
    return out;
}

double PdfWriter::TextWidth(std::string_view utf8, double size, bool bold) { return Width(ToWinAnsi(utf8), size, bold); }

std::vector<std::string> PdfWriter::Wrap(std::string_view utf8, double size, bool bold, double width) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= utf8.size()) {
        size_t nl = utf8.find('\n', start);
        std::string_view para = utf8.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        // Greedy filling by words; a word too long for a line is cut at code-point boundaries.
        std::string line;
        size_t i = 0;
        while (i < para.size()) {
            size_t sp = para.find(' ', i);
            std::string word(para.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i));
            i = sp == std::string_view::npos ? para.size() : sp + 1;
            std::string candidate = line.empty() ? word : line + " " + word;
            if (TextWidth(candidate, size, bold) <= width) {
                line = std::move(candidate);
                continue;
            }
            if (!line.empty()) lines.push_back(line);
            line.clear();
            while (TextWidth(word, size, bold) > width) {
                size_t cut = 0, j = 0;
                while (j < word.size()) {
                    size_t k = j;
                    NextCodePoint(word, k);
                    if (TextWidth(word.substr(0, k), size, bold) > width) break;
                    cut = j = k;
                }
                if (cut == 0) {  // not even one character fits: take one anyway
                    NextCodePoint(word, cut);
                }
                lines.push_back(word.substr(0, cut));
                word = word.substr(cut);
            }
            line = word;
        }
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    if (lines.empty()) lines.push_back("");
    return lines;
}

void PdfWriter::NewPage() { pages_.emplace_back(); }

std::string& PdfWriter::Page() {
    if (pages_.empty()) NewPage();
    return pages_.back();
}

void PdfWriter::Text(double x, double y, double size, bool bold, std::string_view utf8, Rgb colour) {
    std::string& p = Page();
    p += Colour(colour, "rg");
    p += fmt::format("BT /{} {} Tf {} {} Td {} Tj ET\n", bold ? "F2" : "F1", Num(size), Num(x), Num(y),
                     PdfString(ToWinAnsi(utf8)));
}

void PdfWriter::Line(double x1, double y1, double x2, double y2, double width, Rgb colour) {
    std::string& p = Page();
    p += Colour(colour, "RG");
    p += fmt::format("{} w {} {} m {} {} l S\n", Num(width), Num(x1), Num(y1), Num(x2), Num(y2));
}

void PdfWriter::FillRect(double x, double y, double w, double h, Rgb colour) {
    std::string& p = Page();
    p += Colour(colour, "rg");
    p += fmt::format("{} {} {} {} re f\n", Num(x), Num(y), Num(w), Num(h));
}

void PdfWriter::StrokeRect(double x, double y, double w, double h, double width, Rgb colour) {
    std::string& p = Page();
    p += Colour(colour, "RG");
    p += fmt::format("{} w {} {} {} {} re S\n", Num(width), Num(x), Num(y), Num(w), Num(h));
}

void PdfWriter::Polyline(const std::vector<std::pair<double, double>>& points, double width, Rgb colour) {
    if (points.size() < 2) return;
    std::string& p = Page();
    p += Colour(colour, "RG");
    p += fmt::format("{} w 1 J 1 j {} {} m", Num(width), Num(points[0].first), Num(points[0].second));
    for (size_t i = 1; i < points.size(); ++i) p += fmt::format(" {} {} l", Num(points[i].first), Num(points[i].second));
    p += " S\n";
}

std::string PdfWriter::Finish(const std::string& title) {
    if (pages_.empty()) NewPage();
    int n = pages();
    if (!footer_.empty())
        for (int i = 0; i < n; ++i) {
            std::string& p = pages_[i];
            Rgb grey{0.4, 0.4, 0.4};
            std::string right = fmt::format("page {} of {}", i + 1, n);
            p += Colour(grey, "rg");
            p += fmt::format("BT /F1 8 Tf 50 28 Td {} Tj ET\n", PdfString(ToWinAnsi(footer_)));
            p += fmt::format("BT /F1 8 Tf {} 28 Td {} Tj ET\n", Num(kPageWidth - 50 - Width(right, 8, false)),
                             PdfString(right));
        }
    // Objects: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then per page: page, contents.
    std::vector<std::string> objects;
    std::string kids;
    for (int i = 0; i < n; ++i) kids += fmt::format("{}{} 0 R", i ? " " : "", 6 + 2 * i);
    objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
    objects.push_back(fmt::format("<< /Type /Pages /Kids [{}] /Count {} >>", kids, n));
    objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
    objects.push_back(fmt::format("<< /Title {} /Producer (isms) >>", PdfString(ToWinAnsi(title))));
    for (int i = 0; i < n; ++i) {
        objects.push_back(fmt::format("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << /F1 "
                                      "3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                                      Num(kPageWidth), Num(kPageHeight), 7 + 2 * i));
        objects.push_back(fmt::format("<< /Length {} >>\nstream\n{}endstream", pages_[i].size(), pages_[i]));
    }
    std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += fmt::format("{} 0 obj\n{}\nendobj\n", i + 1, objects[i]);
    }
    size_t xref = out.size();
    out += fmt::format("xref\n0 {}\n0000000000 65535 f \n", objects.size() + 1);
    for (size_t off : offsets) out += fmt::format("{:010d} 00000 n \n", off);
    out += fmt::format("trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{}\n%%EOF\n", objects.size() + 1,
                       xref);
    return out;
}

}  // namespace isms::io
