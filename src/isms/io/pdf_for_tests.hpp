// Test support: checks a PDF's structure (every cross-reference offset lands on its object, stream lengths
// match, the trailer points at the table) and extracts its text with poppler's pdftotext (installed by
// scripts/deps.sh), an independent reader. Header-only, for tests of any module.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace isms::io::testing_support {

// Problems found in the file's structure; empty when it is well-formed.
inline std::vector<std::string> PdfStructureProblems(const std::string& pdf) {
    std::vector<std::string> problems;
    if (pdf.rfind("%PDF-1.", 0) != 0) problems.push_back("no %PDF-1.x header");
    if (pdf.size() < 6 || pdf.find("%%EOF", pdf.size() - 7) == std::string::npos) problems.push_back("no %%EOF at the end");
    auto sx = pdf.rfind("startxref\n");
    if (sx == std::string::npos) return problems.push_back("no startxref"), problems;
    size_t xref = std::stoul(pdf.substr(sx + 10));
    if (pdf.compare(xref, 5, "xref\n") != 0) return problems.push_back("startxref does not point at xref"), problems;
    std::smatch m;
    std::string tail = pdf.substr(xref);
    if (!std::regex_search(tail, m, std::regex("xref\\n0 (\\d+)\\n"))) return problems.push_back("bad xref"), problems;
    int count = std::stoi(m[1]);
    size_t pos = xref + m.length(0) + 20;  // skip the free entry
    for (int i = 1; i < count; ++i, pos += 20) {
        size_t off = std::stoul(pdf.substr(pos, 10));
        std::string expect = fmt::format("{} 0 obj\n", i);
        if (pdf.compare(off, expect.size(), expect) != 0) problems.push_back(fmt::format("object {} not at {}", i, off));
    }
    std::regex stream("/Length (\\d+) >>\\nstream\\n");
    for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), stream); it != std::sregex_iterator(); ++it) {
        size_t start = it->position(0) + it->length(0);
        size_t len = std::stoul((*it)[1]);
        if (pdf.compare(start + len, 9, "endstream") != 0) problems.push_back("a stream's /Length is wrong");
    }
    return problems;
}

// Runs `command` with "{}" replaced by the PDF's file name; returns its standard output ("" when the tool is
// missing or fails).
inline std::string RunPdfTool(const std::string& pdf, const std::string& command) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / fmt::format("isms-pdf-{}-{}", getpid(), std::rand());
    fs::create_directories(dir);
    std::ofstream(dir / "in.pdf", std::ios::binary) << pdf;
    std::string cmd = command;
    cmd.replace(cmd.find("{}"), 2, "'" + (dir / "in.pdf").string() + "'");
    cmd += " 2>/dev/null";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        if (pclose(p) != 0) out.clear();
    }
    fs::remove_all(dir);
    return out;
}

// The text of every page as poppler reads it (UTF-8), "" when pdftotext is missing or rejects the file.
inline std::string PdfToText(const std::string& pdf) { return RunPdfTool(pdf, "pdftotext -enc UTF-8 -q {} -"); }
// The number of pages pdfinfo reports (0 when it is missing or rejects the file).
inline int PdfPages(const std::string& pdf) {
    std::smatch m;
    std::string info = RunPdfTool(pdf, "pdfinfo {}");
    return std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : 0;
}

}  // namespace isms::io::testing_support
