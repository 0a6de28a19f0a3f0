// Small, dependency-free SVG charts for reports and the web UI: a line chart with optional logarithmic
// x axis (loss-exceedance curves), usable as a sparkline when axes are off. Output is a standalone <svg>
// element with escaped text, no scripts and no external references.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace isms::io {

struct LineSeries {
    std::string name;
    std::string colour = "#1f5fa8";
    std::vector<std::pair<double, double>> points;  // (x, y), any order; sorted by x when drawn
};

struct LineChart {
    std::string title;
    std::string x_label, y_label;
    bool log_x = false;
    bool percent_y = false;  // y in [0, 1] shown as %
    bool x_dates = false;    // x in days since 1970-01-01, labelled as dates (YYYY-MM-DD)
    bool axes = true;        // false: a bare sparkline
    int width = 640, height = 360;
    std::vector<LineSeries> series;
};

std::string RenderSvg(const LineChart& chart);

// Escapes &, <, >, " and ' for XML text and attributes.
std::string XmlEscape(const std::string& s);
// 1234567 → "1.2M", 12345 → "12k", 0.5 → "0.5".
std::string CompactNumber(double v);

}  // namespace isms::io
