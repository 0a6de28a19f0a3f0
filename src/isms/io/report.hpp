// Printable reports: one document model — a title, a line under it, and blocks (headings, paragraphs, facts,
// tables, lists, line charts) — rendered as a self-contained HTML page (no scripts, no external resources;
// prints well from a browser) and as a PDF (our own writer, pdf.hpp), with the same content in both. Audit
// reports and management review packs are built this way (isms/evaluation).
//
// Text is plain UTF-8 (Markdown from records is shown as written); newlines are kept.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "isms/io/svg_chart.hpp"

namespace isms::io {

struct ReportBlock {
    enum class Kind { kHeading, kParagraph, kFacts, kTable, kList, kChart };
    Kind kind = Kind::kParagraph;
    int level = 2;     // heading: 2 (section) or 3 (subsection)
    std::string text;  // heading, paragraph
    bool muted = false;  // paragraph: secondary text (notes, "nothing recorded")
    std::vector<std::pair<std::string, std::string>> facts;  // label, value
    std::vector<std::string> columns;                          // table
    std::vector<std::vector<std::string>> rows;
    std::vector<double> widths;     // table: relative column widths (empty: from the content)
    std::vector<std::string> marks;  // table: per row "", "good", "warn" or "bad" (a tinted row)
    std::vector<std::string> items;  // list
    LineChart chart;                 // chart (drawn with its series; `axes` is honoured in HTML)
};

struct Report {
    std::string title;
    std::string subtitle;  // organisation, date, …
    std::string footer;    // PDF page footer (default: the title)
    std::vector<ReportBlock> blocks;

    Report& Heading(std::string text, int level = 2);
    Report& Paragraph(std::string text, bool muted = false);
    Report& Facts(std::vector<std::pair<std::string, std::string>> facts);
    Report& Table(std::vector<std::string> columns, std::vector<std::vector<std::string>> rows,
                  std::vector<std::string> marks = {}, std::vector<double> widths = {});
    Report& List(std::vector<std::string> items);
    Report& Chart(LineChart chart);
};

std::string RenderHtml(const Report& report);
// A4 portrait, 50 pt margins, page numbers in the footer; tables repeat their header on each page.
std::string RenderPdf(const Report& report);

}  // namespace isms::io
