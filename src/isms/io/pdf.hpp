// A small PDF writer of our own for printable reports (audit reports, management review packs): A4 pages with
// text in the standard fonts Helvetica and Helvetica-Bold, lines, filled rectangles and polylines. Nothing is
// embedded or downloaded: every PDF reader has these two fonts, so the files stay small and self-contained.
//
// Text is UTF-8 and is written in WinAnsiEncoding (Latin-1 plus the typographic characters of Windows-1252:
// “ ” ‘ ’ – — • … €): Swedish, German, French and other Western European text prints as written; characters
// outside that set print as '?'. Widths come from the fonts' standard metrics, so Wrap() breaks lines the way
// the reader draws them.
//
// Coordinates are PDF points (1/72 inch) from the bottom-left corner of the page. Not thread-safe; one writer
// per document.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isms::io {

struct Rgb {
    double r = 0, g = 0, b = 0;  // 0..1
};

class PdfWriter {
public:
    static constexpr double kPageWidth = 595.28;   // A4
    static constexpr double kPageHeight = 841.89;

    // Starts a new page; drawing goes to the newest page. Drawing before the first NewPage() starts one.
    void NewPage();
    int pages() const { return static_cast<int>(pages_.size()); }

    void Text(double x, double y, double size, bool bold, std::string_view utf8, Rgb colour = {});
    void Line(double x1, double y1, double x2, double y2, double width = 0.5, Rgb colour = {0.6, 0.6, 0.6});
    void FillRect(double x, double y, double w, double h, Rgb colour);
    void StrokeRect(double x, double y, double w, double h, double width = 0.5, Rgb colour = {0.6, 0.6, 0.6});
    void Polyline(const std::vector<std::pair<double, double>>& points, double width, Rgb colour);

    // Printed at the bottom of every page with "page N of M" on the right.
    void SetFooter(std::string utf8) { footer_ = std::move(utf8); }

    // The finished document (PDF 1.4: catalog, page tree, the two fonts, one content stream per page, an
    // information dictionary with `title` and the cross-reference table).
    std::string Finish(const std::string& title);

    // The width of the text in points as the reader draws it.
    static double TextWidth(std::string_view utf8, double size, bool bold);
    // Splits text into lines no wider than `width`, breaking at spaces (a word wider than a line is cut);
    // newlines in the text start new lines. Never returns an empty vector.
    static std::vector<std::string> Wrap(std::string_view utf8, double size, bool bold, double width);
    // UTF-8 → WinAnsiEncoding bytes ('?' for what it cannot show, and for malformed UTF-8).
    static std::string ToWinAnsi(std::string_view utf8);

private:
    std::string& Page();
    std::vector<std::string> pages_;  // content streams
    std::string footer_;
};

}  // namespace isms::io
