#include "isms/io/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "isms/core/time.hpp"

namespace isms::io {

std::string XmlEscape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string CompactNumber(double v) {
    double a = std::fabs(v);
    if (a >= 1e9) return fmt::format("{:.3g}G", v / 1e9);
    if (a >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
    if (a >= 1e3) return fmt::format("{:.3g}k", v / 1e3);
    return fmt::format("{:.3g}", v);
}

std::string RenderSvg(const LineChart& c) {
    const double left = c.axes ? 64 : 2, right = c.axes ? 16 : 2, top = c.axes ? (c.title.empty() ? 12 : 32) : 2,
                 bottom = c.axes ? 44 : 2;
    const double pw = c.width - left - right, ph = c.height - top - bottom;
    double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = 0, ymax = -xmin;
    for (const auto& s : c.series)
        for (auto [x, y] : s.points) {
            if (c.log_x && x <= 0) continue;
            xmin = std::min(xmin, x);
            xmax = std::max(xmax, x);
            ymax = std::max(ymax, y);
            ymin = std::min(ymin, y);
        }
    if (!std::isfinite(xmin)) {
        xmin = c.log_x ? 1 : 0;
        xmax = xmin + 1;
    }
    if (xmax <= xmin) xmax = xmin + (c.log_x ? xmin : 1);
    if (ymax <= ymin) ymax = ymin + 1;
    if (c.percent_y) {
        ymin = 0;
        ymax = 1;
    }
    auto fx = [&](double x) {
        double t = c.log_x ? (std::log10(x) - std::log10(xmin)) / (std::log10(xmax) - std::log10(xmin))
                           : (x - xmin) / (xmax - xmin);
        return left + t * pw;
    };
    auto fy = [&](double y) { return top + ph - (y - ymin) / (ymax - ymin) * ph; };

    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" "
        "aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"11\">\n",
        c.width, c.height, c.width, c.height, XmlEscape(c.title.empty() ? "chart" : c.title));
    if (c.axes) {
        if (!c.title.empty())
            svg += fmt::format("<text x=\"{}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>\n", left,
                               XmlEscape(c.title));
        svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n", left,
                           top, pw, ph);
        // y grid and labels: 5 steps.
        for (int i = 0; i <= 5; ++i) {
            double y = ymin + (ymax - ymin) * i / 5;
            double py = fy(y);
            svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left,
                               py, left + pw, py);
            std::string label = c.percent_y ? fmt::format("{:.0f}%", y * 100) : CompactNumber(y);
            svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, py + 4,
                               label);
        }
        // x ticks: decades on a log axis, 5 steps otherwise.
        std::vector<double> ticks;
        if (c.log_x) {
            for (double d = std::pow(10, std::floor(std::log10(xmin))); d <= xmax * 1.0001; d *= 10)
                if (d >= xmin * 0.9999) ticks.push_back(d);
            if (ticks.size() < 2) ticks = {xmin, xmax};
        } else {
            for (int i = 0; i <= 5; ++i) ticks.push_back(xmin + (xmax - xmin) * i / 5);
        }
        for (size_t i = 0; i < ticks.size(); ++i) {
            double x = ticks[i];
            double px = fx(x);
            // Dates are wide: the last one ends at its tick so that it stays inside the chart.
            const char* anchor = c.x_dates && i + 1 == ticks.size() ? "end" : "middle";
            svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", px,
                               top, px, top + ph);
            svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>\n", px, top + ph + 16, anchor,
                               c.x_dates ? time::FormatDate(std::chrono::sys_days(std::chrono::days(std::llround(x))))
                                         : CompactNumber(x));
        }
        if (!c.x_label.empty())
            svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + pw / 2,
                               c.height - 6.0, XmlEscape(c.x_label));
        if (!c.y_label.empty())
            svg += fmt::format(
                "<text x=\"12\" y=\"{:.1f}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {:.1f})\">{}</text>\n",
                top + ph / 2, top + ph / 2, XmlEscape(c.y_label));
    }
    int legend_row = 0;
    for (const auto& s : c.series) {
        auto pts = s.points;
        std::sort(pts.begin(), pts.end());
        std::string path;
        for (auto [x, y] : pts) {
            if (c.log_x && x <= 0) continue;
            path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", fx(x), fy(y));
        }
        if (path.empty()) continue;
        svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"><title>{}</title></path>\n",
                           path, XmlEscape(s.colour), XmlEscape(s.name));
        if (c.axes && !s.name.empty() && c.series.size() > 1) {
            double ly = top + 14 + 14 * legend_row++;
            svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
                               "stroke-width=\"2\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                               left + pw - 150, ly - 4, left + pw - 130, ly - 4, XmlEscape(s.colour), left + pw - 124,
                               ly, XmlEscape(s.name));
        }
    }
    svg += "</svg>\n";
    return svg;
}

}  // namespace isms::io
