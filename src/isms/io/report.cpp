#include "isms/io/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "isms/io/pdf.hpp"

namespace isms::io {

Report& Report::Heading(std::string text, int level) {
    ReportBlock b;
    b.kind = ReportBlock::Kind::kHeading;
    b.text = std::move(text);
    b.level = level;
    blocks.push_back(std::move(b));
    return *this;
}

Report& Report::Paragraph(std::string text, bool muted) {
    ReportBlock b;
    b.kind = ReportBlock::Kind::kParagraph;
    b.text = std::move(text);
    b.muted = muted;
    blocks.push_back(std::move(b));
    return *this;
}

Report& Report::Facts(std::vector<std::pair<std::string, std::string>> facts) {
    ReportBlock b;
    b.kind = ReportBlock::Kind::kFacts;
    b.facts = std::move(facts);
    blocks.push_back(std::move(b));
    return *this;
}

Report& Report::Table(std::vector<std::string> columns, std::vector<std::vector<std::string>> rows,
                      std::vector<std::string> marks, std::vector<double> widths) {
    ReportBlock b;
    b.kind = ReportBlock::Kind::kTable;
    b.columns = std::move(columns);
    b.rows = std::move(rows);
    b.marks = std::move(marks);
    b.widths = std::move(widths);
    blocks.push_back(std::move(b));
    return *this;
}

Report& Report::List(std::vector<std::string> items) {
    ReportBlock b;
    b.kind = ReportBlock::Kind::kList;
    b.items = std::move(items);
    blocks.push_back(std::move(b));
    return *this;
}

Report& Report::Chart(LineChart chart) {
    ReportBlock b;
    b.kind = ReportBlock::Kind::kChart;
    b.chart = std::move(chart);
    blocks.push_back(std::move(b));
    return *this;
}

namespace {

std::string Mark(const std::vector<std::string>& marks, size_t i) { return i < marks.size() ? marks[i] : ""; }

}  // namespace

// ---- HTML ---------------------------------------------------------------------------------------------------

std::string RenderHtml(const Report& r) {
    std::string h = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    h += fmt::format("<title>{}</title>\n", XmlEscape(r.title));
    h += R"(<style>
body { font: 11pt/1.4 Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 2em; max-width: 60em; }
h1 { font-size: 18pt; margin-bottom: 0; } h2 { font-size: 13pt; margin-top: 1.8em; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 1.2em 0 0.3em; }
.meta { color: #555; margin-top: 0.2em; }
p { white-space: pre-wrap; margin: 0.4em 0; } p.muted { color: #666; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; font-size: 9.5pt;
         white-space: pre-wrap; }
th { background: #e8ecf1; }
table.facts th { width: 28%; background: #f3f5f8; font-weight: normal; color: #333; }
tr.good td { background: #e3f4e6; } tr.warn td { background: #fdf3d6; } tr.bad td { background: #f8d7da; }
figure { margin: 0.4em 0 1em; }
@media print { body { margin: 0; max-width: none; } h2, h3 { page-break-after: avoid; } tr { page-break-inside: avoid; } }
</style></head><body>
)";
    h += fmt::format("<h1>{}</h1>\n", XmlEscape(r.title));
    if (!r.subtitle.empty()) h += fmt::format("<p class=\"meta\">{}</p>\n", XmlEscape(r.subtitle));
    for (const auto& b : r.blocks) {
        switch (b.kind) {
            case ReportBlock::Kind::kHeading:
                h += fmt::format("<h{0}>{1}</h{0}>\n", b.level == 3 ? 3 : 2, XmlEscape(b.text));
                break;
            case ReportBlock::Kind::kParagraph:
                h += fmt::format("<p{}>{}</p>\n", b.muted ? " class=\"muted\"" : "", XmlEscape(b.text));
                break;
            case ReportBlock::Kind::kFacts:
                h += "<table class=\"facts\">\n";
                for (const auto& [k, v] : b.facts)
                    h += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", XmlEscape(k), XmlEscape(v));
                h += "</table>\n";
                break;
            case ReportBlock::Kind::kTable:
                h += "<table>\n<thead><tr>";
                for (const auto& c : b.columns) h += fmt::format("<th scope=\"col\">{}</th>", XmlEscape(c));
                h += "</tr></thead>\n<tbody>\n";
                for (size_t i = 0; i < b.rows.size(); ++i) {
                    std::string m = Mark(b.marks, i);
                    h += m.empty() ? "<tr>" : fmt::format("<tr class=\"{}\">", XmlEscape(m));
                    for (const auto& cell : b.rows[i]) h += fmt::format("<td>{}</td>", XmlEscape(cell));
                    h += "</tr>\n";
                }
                h += "</tbody></table>\n";
                break;
            case ReportBlock::Kind::kList:
                h += "<ul>\n";
                for (const auto& it : b.items) h += fmt::format("<li>{}</li>\n", XmlEscape(it));
                h += "</ul>\n";
                break;
            case ReportBlock::Kind::kChart:
                h += "<figure>" + RenderSvg(b.chart) + "</figure>\n";
                break;
        }
    }
    h += "</body></html>\n";
    return h;
}

// ---- PDF ----------------------------------------------------------------------------------------------------

namespace {

constexpr double kMargin = 50, kTop = PdfWriter::kPageHeight - 50, kBottom = 50;
constexpr double kWidth = PdfWriter::kPageWidth - 2 * kMargin;
constexpr Rgb kBlack{0.1, 0.1, 0.1}, kGrey{0.4, 0.4, 0.4}, kRule{0.6, 0.6, 0.6}, kHeaderFill{0.91, 0.925, 0.945};

Rgb MarkFill(const std::string& m) {
    if (m == "good") return {0.89, 0.957, 0.902};
    if (m == "warn") return {0.992, 0.953, 0.839};
    if (m == "bad") return {0.973, 0.843, 0.855};
    return {1, 1, 1};
}

class Layout {
public:
    explicit Layout(PdfWriter& pdf) : pdf_(pdf) {
        pdf_.NewPage();
        y_ = kTop;
    }

    // Makes room for `h` points (a new page when they do not fit).
    void Need(double h) {
        if (y_ - h < kBottom) {
            pdf_.NewPage();
            y_ = kTop;
        }
    }

    void Lines(const std::string& text, double size, bool bold, Rgb colour, double indent = 0, double after = 4) {
        double leading = size * 1.3;
        for (const auto& line : PdfWriter::Wrap(text, size, bold, kWidth - indent)) {
            Need(leading);
            y_ -= leading;
            pdf_.Text(kMargin + indent, y_ + size * 0.25, size, bold, line, colour);
        }
        y_ -= after;
    }

    void Heading(const std::string& text, int level) {
        double size = level == 3 ? 11 : 13;
        Need(size * 1.3 + 40);  // keep a heading with what follows
        y_ -= level == 3 ? 6 : 12;
        Lines(text, size, true, kBlack, 0, 2);
        if (level != 3) {
            pdf_.Line(kMargin, y_ + 1, kMargin + kWidth, y_ + 1, 0.6, kRule);
            y_ -= 6;
        }
    }

    // A table; `header` repeats on every page it spans.
    void Grid(const std::vector<std::string>& columns, const std::vector<std::vector<std::string>>& rows,
              const std::vector<std::string>& marks, std::vector<double> widths, bool header, bool first_bold) {
        const double size = 8.5, leading = size * 1.25, pad = 3;
        size_t n = columns.size();
        for (const auto& row : rows) n = std::max(n, row.size());
        if (n == 0) return;
        if (widths.size() != n) {
            // From the content: each column's longest line, damped, at least a share for short columns.
            widths.assign(n, 1);
            for (size_t c = 0; c < n; ++c) {
                double w = c < columns.size() ? PdfWriter::TextWidth(columns[c], size, true) : 20;
                for (const auto& row : rows)
                    if (c < row.size()) w = std::max(w, std::min(PdfWriter::TextWidth(row[c], size, false), 260.0));
                widths[c] = std::sqrt(std::max(w, 20.0));
            }
        }
        double total = 0;
        for (double w : widths) total += w;
        std::vector<double> x(n + 1, kMargin);
        for (size_t c = 0; c < n; ++c) x[c + 1] = x[c] + kWidth * widths[c] / total;

        auto cell_lines = [&](const std::vector<std::string>& cells, bool bold_row) {
            std::vector<std::vector<std::string>> out(n);
            size_t most = 1;
            for (size_t c = 0; c < n; ++c) {
                out[c] = PdfWriter::Wrap(c < cells.size() ? cells[c] : "", size, bold_row || (first_bold && c == 0),
                                         x[c + 1] - x[c] - 2 * pad);
                most = std::max(most, out[c].size());
            }
            return std::make_pair(out, most);
        };
        auto draw_row = [&](const std::vector<std::string>& cells, bool bold_row, Rgb fill) {
            auto [lines, most] = cell_lines(cells, bold_row);
            double h = most * leading + 2 * pad;
            double top = y_;
            if (fill.r != 1 || fill.g != 1 || fill.b != 1) pdf_.FillRect(kMargin, top - h, kWidth, h, fill);
            for (size_t c = 0; c < n; ++c)
                for (size_t l = 0; l < lines[c].size(); ++l)
                    pdf_.Text(x[c] + pad, top - pad - (l + 1) * leading + size * 0.3, size,
                              bold_row || (first_bold && c == 0), lines[c][l], kBlack);
            pdf_.Line(kMargin, top - h, kMargin + kWidth, top - h, 0.4, kRule);
            for (size_t c = 0; c <= n; ++c) pdf_.Line(x[c], top, x[c], top - h, 0.4, kRule);
            y_ -= h;
        };
        auto row_height = [&](const std::vector<std::string>& cells, bool bold_row) {
            return cell_lines(cells, bold_row).second * leading + 2 * pad;
        };
        auto start = [&] {
            pdf_.Line(kMargin, y_, kMargin + kWidth, y_, 0.4, kRule);
            if (header) draw_row(columns, true, kHeaderFill);
        };
        double header_h = header ? row_height(columns, true) : 0;
        Need(header_h + (rows.empty() ? 0 : row_height(rows[0], false)));
        start();
        for (size_t i = 0; i < rows.size(); ++i) {
            double h = row_height(rows[i], false);
            if (y_ - h < kBottom) {
                pdf_.NewPage();
                y_ = kTop;
                start();
            }
            draw_row(rows[i], false, MarkFill(Mark(marks, i)));
        }
        y_ -= 8;
    }

    void Chart(const LineChart& c) {
        const double h = 110, left = kMargin + 40, w = kWidth - 50;
        Need(h + 30);
        if (!c.title.empty()) Lines(c.title, 9, true, kBlack, 0, 2);
        double bottom = y_ - h;
        double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
        for (const auto& s : c.series)
            for (auto [px, py] : s.points) {
                xmin = std::min(xmin, px);
                xmax = std::max(xmax, px);
                ymin = std::min(ymin, py);
                ymax = std::max(ymax, py);
            }
        pdf_.StrokeRect(left, bottom, w, h, 0.5, kRule);
        if (std::isfinite(xmin)) {
            if (xmax <= xmin) xmax = xmin + 1;
            if (ymax <= ymin) {
                ymin -= 1;
                ymax += 1;
            }
            double pad = (ymax - ymin) * 0.08;
            ymin -= pad;
            ymax += pad;
            auto fx = [&](double v) { return left + (v - xmin) / (xmax - xmin) * w; };
            auto fy = [&](double v) { return bottom + (v - ymin) / (ymax - ymin) * h; };
            for (const auto& s : c.series) {
                std::vector<std::pair<double, double>> pts;
                auto sorted = s.points;
                std::sort(sorted.begin(), sorted.end());
                for (auto [px, py] : sorted) pts.emplace_back(fx(px), fy(py));
                Rgb colour = ParseColour(s.colour);
                pdf_.Polyline(pts, 1.2, colour);
                if (pts.size() == 1) pdf_.FillRect(pts[0].first - 1.5, pts[0].second - 1.5, 3, 3, colour);
            }
            pdf_.Text(kMargin, bottom + h - 8, 7, false, CompactNumber(ymax - pad), kGrey);
            pdf_.Text(kMargin, bottom, 7, false, CompactNumber(ymin + pad), kGrey);
            if (!c.x_label.empty()) pdf_.Text(left, bottom - 10, 7, false, c.x_label, kGrey);
            // Legend.
            double lx = left + 4;
            for (const auto& s : c.series) {
                if (s.name.empty()) continue;
                pdf_.FillRect(lx, bottom + h - 9, 8, 3, ParseColour(s.colour));
                pdf_.Text(lx + 11, bottom + h - 10, 7, false, s.name, kGrey);
                lx += 20 + PdfWriter::TextWidth(s.name, 7, false);
            }
        } else {
            pdf_.Text(left + 6, bottom + h / 2, 8, false, "no data", kGrey);
        }
        y_ = bottom - 16;
    }

    static Rgb ParseColour(const std::string& hex) {
        if (hex.size() != 7 || hex[0] != '#') return {0.12, 0.37, 0.66};
        auto part = [&](size_t i) { return std::stoi(hex.substr(i, 2), nullptr, 16) / 255.0; };
        try {
            return {part(1), part(3), part(5)};
        } catch (const std::exception&) {
            return {0.12, 0.37, 0.66};
        }
    }

    double& y() { return y_; }

private:
    PdfWriter& pdf_;
    double y_ = kTop;
};

}  // namespace

std::string RenderPdf(const Report& r) {
    PdfWriter pdf;
    pdf.SetFooter(r.footer.empty() ? r.title : r.footer);
    Layout l(pdf);
    l.Lines(r.title, 18, true, kBlack, 0, 2);
    if (!r.subtitle.empty()) l.Lines(r.subtitle, 9.5, false, kGrey, 0, 6);
    for (const auto& b : r.blocks) {
        switch (b.kind) {
            case ReportBlock::Kind::kHeading:
                l.Heading(b.text, b.level);
                break;
            case ReportBlock::Kind::kParagraph:
                l.Lines(b.text, 10, false, b.muted ? kGrey : kBlack, 0, 5);
                break;
            case ReportBlock::Kind::kFacts: {
                std::vector<std::vector<std::string>> rows;
                for (const auto& [k, v] : b.facts) rows.push_back({k, v});
                l.Grid({}, rows, {}, {28, 72}, false, true);
                break;
            }
            case ReportBlock::Kind::kTable:
                l.Grid(b.columns, b.rows, b.marks, b.widths, true, false);
                break;
            case ReportBlock::Kind::kList:
                for (const auto& it : b.items) l.Lines("\u2022 " + it, 10, false, kBlack, 8, 1);
                l.y() -= 4;
                break;
            case ReportBlock::Kind::kChart:
                l.Chart(b.chart);
                break;
        }
    }
    return pdf.Finish(r.title);
}

}  // namespace isms::io
