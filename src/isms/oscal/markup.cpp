#include "isms/oscal/markup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"

namespace isms::oscal::markup {

namespace {

// The Markdown reader recurses once per block quote, nested list, link label and emphasis: like every reader
// of user text (isms/core/nesting.hpp) it stops at kMaxNesting levels. The count lives in the thread, for the
// one ParseMarkdown call running on it (the recursion below has no other state to carry it in).
thread_local int markdown_depth = 0;
thread_local std::string_view markdown_text;

class NestingGuard {
public:
    NestingGuard() {
        if (++markdown_depth > kMaxNesting) {
            --markdown_depth;
            std::string opening(markdown_text.substr(0, 24));
            throw Error::InvalidInput(
                fmt::format("the markup \"{}{}\" is nested deeper than {} levels: isms reads at most {} levels of block "
                            "quotes, lists, links and emphasis",
                            opening, markdown_text.size() > 24 ? "…" : "", kMaxNesting, kMaxNesting),
                {{.message = fmt::format("nested deeper than {} levels", kMaxNesting)}});
        }
    }
    ~NestingGuard() { --markdown_depth; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;
};

const std::set<std::string, std::less<>> kBlock = {"p",  "h1", "h2", "h3",  "h4",         "h5",    "h6", "ul",
                                                   "ol", "li", "pre", "blockquote", "table", "tr", "th",
                                                   "td", "hr", "thead", "tbody"};
const std::set<std::string, std::less<>> kInline = {"em", "strong", "b", "i", "code", "a",  "q",
                                                    "insert", "sub", "sup", "img", "br", "span"};

Node Text(std::string s) {
    Node n;
    n.text = std::move(s);
    return n;
}

Node Element(std::string tag, Markup children = {}) {
    Node n;
    n.tag = std::move(tag);
    n.children = std::move(children);
    return n;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return s;
}

bool IsPunct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

// ---- Markdown inline ----------------------------------------------------------------------------------------

size_t FindClose(std::string_view s, size_t from, std::string_view delim);

// Skips a construct that may contain delimiter characters (escape, code span, insert); returns the index after
// it or `j` when none starts at j.
size_t SkipOpaque(std::string_view s, size_t j) {
    if (s[j] == '\\' && j + 1 < s.size()) return j + 2;
    if (s[j] == '`') {
        auto e = s.find('`', j + 1);
        return e == std::string_view::npos ? j : e + 1;
    }
    if (s.compare(j, 2, "{{") == 0) {
        auto e = s.find("}}", j + 2);
        return e == std::string_view::npos ? j : e + 2;
    }
    return j;
}

size_t FindClose(std::string_view s, size_t from, std::string_view delim) {
    size_t j = from;
    while (j < s.size()) {
        size_t k = SkipOpaque(s, j);
        if (k != j) {
            j = k;
            continue;
        }
        if (delim == "*" && s.compare(j, 2, "**") == 0) {
            auto e = FindClose(s, j + 2, "**");
            if (e == std::string_view::npos) return j;  // a lone "**" closes nothing; take its first star
            j = e + 2;
            continue;
        }
        if (s.compare(j, delim.size(), delim) == 0) return j;
        ++j;
    }
    return std::string_view::npos;
}

// Index of the ']' matching the '[' at `open`, or npos.
size_t MatchBracket(std::string_view s, size_t open, char o, char c) {
    int depth = 0;
    for (size_t j = open; j < s.size(); ++j) {
        if (s[j] == '\\') {
            ++j;
            continue;
        }
        if (s[j] == o) ++depth;
        if (s[j] == c && --depth == 0) return j;
    }
    return std::string_view::npos;
}

std::string Unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && IsPunct(s[i + 1])) ++i;
        out += s[i];
    }
    return out;
}

void ParseInline(std::string_view s, Markup& out) {
    NestingGuard guard;
    std::string buf;
    auto flush = [&] {
        if (!buf.empty()) out.push_back(Text(std::move(buf)));
        buf.clear();
    };
    size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (c == '\\' && i + 1 < s.size() && IsPunct(s[i + 1])) {
            buf += s[i + 1];
            i += 2;
            continue;
        }
        if (c == '{' && s.compare(i, 2, "{{") == 0) {
            auto end = s.find("}}", i + 2);
            if (end != std::string_view::npos) {
                static const std::regex kInsert(R"(^\s*insert\s*:\s*([^,\s]+)\s*,\s*([^\s}]+)\s*$)");
                std::string inner(s.substr(i + 2, end - i - 2));
                std::smatch m;
                if (std::regex_match(inner, m, kInsert)) {
                    flush();
                    Node n = Element("insert");
                    n.attrs = {{"type", m[1]}, {"id-ref", m[2]}};
                    out.push_back(std::move(n));
                    i = end + 2;
                    continue;
                }
            }
        }
        if (c == '*') {
            bool strong = s.compare(i, 2, "**") == 0;
            size_t open = strong ? 2 : 1;
            // As NIST's converters do, any closed pair is emphasis, even with spaces inside the stars (NIST's
            // own 800-53 has "* Security … Organizations*"); literal stars are written escaped.
            if (i + open < s.size() && s[i + open] != '*') {
                auto end = FindClose(s, i + open, strong ? "**" : "*");
                if (end != std::string_view::npos && end > i + open) {
                    flush();
                    Node n = Element(strong ? "strong" : "em");
                    ParseInline(s.substr(i + open, end - i - open), n.children);
                    out.push_back(std::move(n));
                    i = end + open;
                    continue;
                }
            }
        }
        if (c == '`') {
            auto end = s.find('`', i + 1);
            if (end != std::string_view::npos) {
                flush();
                out.push_back(Element("code", {Text(std::string(s.substr(i + 1, end - i - 1)))}));
                i = end + 1;
                continue;
            }
        }
        if ((c == '[') || (c == '!' && i + 1 < s.size() && s[i + 1] == '[')) {
            bool img = c == '!';
            size_t open = img ? i + 1 : i;
            auto close = MatchBracket(s, open, '[', ']');
            if (close != std::string_view::npos && close + 1 < s.size() && s[close + 1] == '(') {
                auto pclose = MatchBracket(s, close + 1, '(', ')');
                if (pclose != std::string_view::npos) {
                    flush();
                    std::string_view target = Trim(s.substr(close + 2, pclose - close - 2));
                    std::string title;
                    auto q = target.find(" \"");
                    if (q != std::string_view::npos && target.back() == '"') {
                        title = Unescape(target.substr(q + 2, target.size() - q - 3));
                        target = Trim(target.substr(0, q));
                    }
                    std::string_view label = s.substr(open + 1, close - open - 1);
                    Node n = Element(img ? "img" : "a");
                    if (img) {
                        n.attrs.push_back({"src", Unescape(target)});
                        if (!label.empty()) n.attrs.push_back({"alt", Unescape(label)});
                    } else {
                        n.attrs.push_back({"href", Unescape(target)});
                        ParseInline(label, n.children);
                    }
                    if (!title.empty()) n.attrs.push_back({"title", title});
                    out.push_back(std::move(n));
                    i = pclose + 1;
                    continue;
                }
            }
        }
        if (c == '"' || c == '~' || c == '^') {
            auto end = FindClose(s, i + 1, std::string_view(&s[i], 1));
            if (end != std::string_view::npos && end > i + 1 &&
                (c == '"' || s.substr(i + 1, end - i - 1).find_first_of(" \n") == std::string_view::npos)) {
                flush();
                Node n = Element(c == '"' ? "q" : c == '~' ? "sub" : "sup");
                ParseInline(s.substr(i + 1, end - i - 1), n.children);
                out.push_back(std::move(n));
                i = end + 1;
                continue;
            }
        }
        buf += c;
        ++i;
    }
    flush();
}

// ---- Markdown blocks ----------------------------------------------------------------------------------------

struct Line {
    int indent = 0;
    std::string_view text;  // without the indentation
    bool blank = true;
};

std::vector<Line> SplitLines(std::string_view md) {
    std::vector<Line> lines;
    size_t start = 0;
    while (start <= md.size()) {
        auto end = md.find('\n', start);
        if (end == std::string_view::npos) end = md.size();
        std::string_view l = md.substr(start, end - start);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        Line line;
        size_t k = 0;
        while (k < l.size() && (l[k] == ' ' || l[k] == '\t')) {
            line.indent += l[k] == '\t' ? 4 : 1;
            ++k;
        }
        line.text = l.substr(k);
        line.blank = line.text.empty();
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

struct ListMarker {
    bool ordered = false;
    size_t width = 0;  // marker plus the following space
};

bool ListItem(std::string_view t, ListMarker* m) {
    if (t.size() >= 2 && (t[0] == '*' || t[0] == '-' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t')) {
        if (m) *m = {false, 2};
        return true;
    }
    size_t k = 0;
    while (k < t.size() && k < 9 && std::isdigit(static_cast<unsigned char>(t[k]))) ++k;
    if (k > 0 && k + 1 < t.size() + 1 && k < t.size() && (t[k] == '.' || t[k] == ')') &&
        (k + 1 == t.size() || t[k + 1] == ' ' || t[k + 1] == '\t')) {
        if (m) *m = {true, std::min(k + 2, t.size())};
        return true;
    }
    return false;
}

bool Heading(std::string_view t, int* level) {
    int n = 0;
    while (n < static_cast<int>(t.size()) && t[n] == '#') ++n;
    if (n < 1 || n > 6 || (n < static_cast<int>(t.size()) && t[n] != ' ')) return false;
    if (level) *level = n;
    return true;
}

bool IsRule(std::string_view t) {
    t = Trim(t);
    if (t.size() < 3) return false;
    char c = t[0];
    if (c != '-' && c != '*' && c != '_') return false;
    return std::all_of(t.begin(), t.end(), [c](char x) { return x == c || x == ' '; });
}

bool TableSeparator(std::string_view t) {
    static const std::regex kSep(R"(^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$)");
    return std::regex_match(t.begin(), t.end(), kSep);
}

bool StartsBlock(const std::vector<Line>& lines, size_t i) {
    const auto& l = lines[i];
    int level;
    return l.text.starts_with("```") || Heading(l.text, &level) || ListItem(l.text, nullptr) ||
           l.text.starts_with(">") ||
           (l.text.starts_with("|") && i + 1 < lines.size() && TableSeparator(lines[i + 1].text));
}

Markup ParseBlocks(const std::vector<Line>& lines);

std::vector<std::string> SplitRow(std::string_view row) {
    row = Trim(row);
    if (row.starts_with("|")) row.remove_prefix(1);
    if (row.ends_with("|") && !row.ends_with("\\|")) row.remove_suffix(1);
    std::vector<std::string> cells;
    std::string cur;
    for (size_t k = 0; k < row.size(); ++k) {
        if (row[k] == '\\' && k + 1 < row.size() && row[k + 1] == '|') {
            cur += "\\|";
            ++k;
        } else if (row[k] == '|') {
            cells.push_back(std::string(Trim(cur)));
            cur.clear();
        } else {
            cur += row[k];
        }
    }
    cells.push_back(std::string(Trim(cur)));
    return cells;
}

// A list starting at lines[i] with its markers at `indent`.
Node ParseList(const std::vector<Line>& lines, size_t& i, int indent) {
    NestingGuard guard;
    ListMarker first;
    ListItem(lines[i].text, &first);
    Node list = Element(first.ordered ? "ol" : "ul");
    while (i < lines.size()) {
        const Line& l = lines[i];
        ListMarker m;
        if (l.blank) {
            size_t j = i;
            while (j < lines.size() && lines[j].blank) ++j;
            if (j < lines.size() && ListItem(lines[j].text, &m) &&
                ((lines[j].indent == indent && m.ordered == first.ordered) || lines[j].indent > indent)) {
                i = j;
                continue;
            }
            break;
        }
        if (!ListItem(l.text, &m) || l.indent < indent) break;
        if (l.indent > indent) {
            // A nested list belongs to the last item.
            if (list.children.empty()) list.children.push_back(Element("li"));
            list.children.back().children.push_back(ParseList(lines, i, l.indent));
            continue;
        }
        if (m.ordered != first.ordered) break;
        Node li = Element("li");
        std::string text(Trim(l.text.substr(m.width)));
        ++i;
        // Continuation lines indented past the marker.
        while (i < lines.size() && !lines[i].blank && lines[i].indent > indent && !ListItem(lines[i].text, nullptr)) {
            text += "\n";
            text += lines[i].text;
            ++i;
        }
        ParseInline(text, li.children);
        list.children.push_back(std::move(li));
    }
    return list;
}

Markup ParseBlocks(const std::vector<Line>& lines) {
    NestingGuard guard;
    Markup out;
    size_t i = 0;
    while (i < lines.size()) {
        const Line& l = lines[i];
        if (l.blank) {
            ++i;
            continue;
        }
        int level = 0;
        if (l.text.starts_with("```")) {
            std::string text;
            size_t j = i + 1;
            bool firstline = true;
            while (j < lines.size() && !(lines[j].text.starts_with("```") && lines[j].indent <= l.indent)) {
                if (!firstline) text += "\n";
                firstline = false;
                text += std::string(static_cast<size_t>(std::max(0, lines[j].indent - l.indent)), ' ');
                text += lines[j].text;
                ++j;
            }
            out.push_back(Element("pre", {Text(text)}));
            i = j + 1;
            continue;
        }
        if (Heading(l.text, &level)) {
            Node h = Element("h" + std::to_string(level));
            ParseInline(Trim(l.text.substr(static_cast<size_t>(level))), h.children);
            out.push_back(std::move(h));
            ++i;
            continue;
        }
        if (ListItem(l.text, nullptr)) {
            out.push_back(ParseList(lines, i, l.indent));
            continue;
        }
        if (l.text.starts_with(">")) {
            std::vector<Line> inner;
            while (i < lines.size() && !lines[i].blank && lines[i].text.starts_with(">")) {
                std::string_view t = lines[i].text.substr(1);
                Line in;
                while (!t.empty() && t.front() == ' ') {
                    ++in.indent;
                    t.remove_prefix(1);
                }
                if (in.indent > 0) --in.indent;
                in.text = t;
                in.blank = t.empty();
                inner.push_back(in);
                ++i;
            }
            out.push_back(Element("blockquote", ParseBlocks(inner)));
            continue;
        }
        if (l.text.starts_with("|") && i + 1 < lines.size() && TableSeparator(lines[i + 1].text)) {
            Node table = Element("table");
            Node head = Element("tr");
            for (const auto& c : SplitRow(l.text)) {
                Node th = Element("th");
                ParseInline(c, th.children);
                head.children.push_back(std::move(th));
            }
            table.children.push_back(std::move(head));
            i += 2;
            while (i < lines.size() && !lines[i].blank && lines[i].text.starts_with("|")) {
                Node tr = Element("tr");
                for (const auto& c : SplitRow(lines[i].text)) {
                    Node td = Element("td");
                    ParseInline(c, td.children);
                    tr.children.push_back(std::move(td));
                }
                table.children.push_back(std::move(tr));
                ++i;
            }
            out.push_back(std::move(table));
            continue;
        }
        if (IsRule(l.text)) {
            out.push_back(Element("hr"));
            ++i;
            continue;
        }
        std::string text(l.text);
        ++i;
        while (i < lines.size() && !lines[i].blank && !StartsBlock(lines, i)) {
            text += "\n";
            text += lines[i].text;
            ++i;
        }
        Node p = Element("p");
        ParseInline(text, p.children);
        out.push_back(std::move(p));
    }
    return out;
}

// ---- Markdown writing ---------------------------------------------------------------------------------------

void EscapeText(std::string_view t, std::string& out, bool in_table) {
    for (size_t k = 0; k < t.size(); ++k) {
        char c = t[k];
        bool esc = c == '\\' || c == '*' || c == '`' || c == '[' || c == ']' || c == '"' || c == '~' || c == '^' ||
                   (c == '{' && k + 1 < t.size() && t[k + 1] == '{') || (c == '!' && k + 1 < t.size() && t[k + 1] == '[') ||
                   (in_table && c == '|');
        if (esc) out += '\\';
        out += c;
    }
}

std::string TextOf(const Markup& m) {
    std::string s;
    for (const auto& n : m) s += n.tag.empty() ? n.text : TextOf(n.children);
    return s;
}

void WriteInline(const Markup& m, std::string& out, bool in_table = false) {
    for (const auto& n : m) {
        if (n.tag.empty()) {
            EscapeText(n.text, out, in_table);
        } else if (n.tag == "em" || n.tag == "i") {
            out += "*";
            WriteInline(n.children, out, in_table);
            out += "*";
        } else if (n.tag == "strong" || n.tag == "b") {
            out += "**";
            WriteInline(n.children, out, in_table);
            out += "**";
        } else if (n.tag == "code") {
            out += "`" + TextOf(n.children) + "`";
        } else if (n.tag == "q") {
            out += "\"";
            WriteInline(n.children, out, in_table);
            out += "\"";
        } else if (n.tag == "sub" || n.tag == "sup") {
            out += n.tag == "sub" ? "~" : "^";
            WriteInline(n.children, out, in_table);
            out += n.tag == "sub" ? "~" : "^";
        } else if (n.tag == "insert") {
            out += "{{ insert: " + n.Attr("type") + ", " + n.Attr("id-ref") + " }}";
        } else if (n.tag == "a") {
            out += "[";
            WriteInline(n.children, out, in_table);
            out += "](" + n.Attr("href");
            if (!n.Attr("title").empty()) out += " \"" + n.Attr("title") + "\"";
            out += ")";
        } else if (n.tag == "img") {
            out += "![" + n.Attr("alt") + "](" + n.Attr("src");
            if (!n.Attr("title").empty()) out += " \"" + n.Attr("title") + "\"";
            out += ")";
        } else if (n.tag == "br") {
            out += "\n";
        } else {
            WriteInline(n.children, out, in_table);
        }
    }
}

// Escapes a paragraph's first character when the text would otherwise start a block.
std::string GuardBlockStart(std::string s) {
    std::vector<Line> probe = SplitLines(s);
    if (probe.empty() || probe[0].blank) return s;
    int level;
    std::string_view t = probe[0].text;
    if (Heading(t, &level) || t.starts_with(">") || t.starts_with("|") || t.starts_with("-") || t.starts_with("+") ||
        IsRule(t))
        return "\\" + s;
    if (ListItem(t, nullptr)) {  // "1. text": escape the dot
        auto dot = s.find_first_of(".)");
        return s.substr(0, dot) + "\\" + s.substr(dot);
    }
    return s;
}

void WriteBlocks(const Markup& m, std::string& out, const std::string& indent);

void WriteList(const Node& list, std::string& out, const std::string& indent) {
    bool ordered = list.tag == "ol";
    bool first = true;
    for (const auto& li : list.children) {
        if (li.tag != "li") continue;
        if (!first) out += "\n";
        first = false;
        std::string marker = ordered ? "1. " : "* ";
        out += indent + marker;
        Markup inl;
        std::vector<const Node*> nested;
        for (const auto& c : li.children) {
            if (c.tag == "ul" || c.tag == "ol")
                nested.push_back(&c);
            else if (c.tag == "p")
                inl.insert(inl.end(), c.children.begin(), c.children.end());
            else
                inl.push_back(c);
        }
        std::string text;
        WriteInline(inl, text);
        out += text;
        for (const auto* n : nested) {
            out += "\n";
            WriteList(*n, out, indent + std::string(marker.size(), ' '));
        }
    }
}

void WriteBlock(const Node& n, std::string& out, const std::string& indent) {
    if (n.tag.empty()) {
        std::string t;
        WriteInline({n}, t);
        out += indent + GuardBlockStart(t);
    } else if (n.tag == "p") {
        std::string t;
        WriteInline(n.children, t);
        out += indent + GuardBlockStart(t);
    } else if (n.tag.size() == 2 && n.tag[0] == 'h' && n.tag[1] >= '1' && n.tag[1] <= '6') {
        std::string t;
        WriteInline(n.children, t);
        out += indent + std::string(static_cast<size_t>(n.tag[1] - '0'), '#') + " " + t;
    } else if (n.tag == "ul" || n.tag == "ol") {
        WriteList(n, out, indent);
    } else if (n.tag == "pre") {
        out += indent + "```\n" + TextOf(n.children) + "\n" + indent + "```";
    } else if (n.tag == "hr") {
        out += indent + "---";
    } else if (n.tag == "blockquote") {
        std::string inner;
        WriteBlocks(n.children, inner, "");
        size_t start = 0;
        bool first = true;
        while (start <= inner.size()) {
            auto end = inner.find('\n', start);
            if (end == std::string::npos) end = inner.size();
            if (!first) out += "\n";
            first = false;
            std::string_view line(inner.data() + start, end - start);
            out += indent + (line.empty() ? ">" : "> " + std::string(line));
            start = end + 1;
        }
    } else if (n.tag == "table") {
        std::vector<const Node*> rows;
        for (const auto& c : n.children) {
            if (c.tag == "tr") rows.push_back(&c);
            if (c.tag == "thead" || c.tag == "tbody")
                for (const auto& r : c.children)
                    if (r.tag == "tr") rows.push_back(&r);
        }
        bool first = true;
        for (const auto* r : rows) {
            if (!first) out += "\n";
            out += indent + "|";
            size_t cells = 0;
            for (const auto& cell : r->children) {
                if (cell.tag != "td" && cell.tag != "th") continue;
                std::string t;
                WriteInline(cell.children, t, true);
                out += " " + t + " |";
                ++cells;
            }
            if (first) {
                out += "\n" + indent + "|";
                for (size_t k = 0; k < cells; ++k) out += " --- |";
            }
            first = false;
        }
    } else {
        std::string t;
        WriteInline({n}, t);
        out += indent + t;
    }
}

void WriteBlocks(const Markup& m, std::string& out, const std::string& indent) {
    bool first = true;
    for (const auto& n : m) {
        if (n.tag.empty() && Trim(n.text).empty()) continue;
        if (!first) out += "\n\n";
        first = false;
        WriteBlock(n, out, indent);
    }
}

// ---- Whitespace normalisation -------------------------------------------------------------------------------

bool IsInlineContainer(const std::string& tag) {
    return tag == "p" || tag == "li" || tag == "td" || tag == "th" ||
           (tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6');
}

// Collapses whitespace in a run of inline nodes; `last_space` carries whether the previous character written
// was a space (so that "a " + "<em> b</em>" keeps one space).
void CollapseInline(Markup& m, bool& last_space) {
    for (auto& n : m) {
        if (n.tag.empty()) {
            std::string out;
            for (char c : n.text) {
                if (IsSpace(c)) {
                    if (!last_space) out += ' ';
                    last_space = true;
                } else {
                    out += c;
                    last_space = false;
                }
            }
            n.text = std::move(out);
        } else if (n.tag == "insert" || n.tag == "img") {
            last_space = false;
        } else {
            CollapseInline(n.children, last_space);
        }
    }
}

// Removes leading (front) or trailing (back) whitespace of the first/last text in document order.
bool TrimEdge(Markup& m, bool front) {
    if (m.empty()) return true;
    auto visit = [&](Node& n) -> bool {  // true: keep going (node was entirely whitespace)
        if (n.tag.empty()) {
            if (front) {
                auto k = n.text.find_first_not_of(" \t\n\r");
                n.text = k == std::string::npos ? "" : n.text.substr(k);
            } else {
                auto k = n.text.find_last_not_of(" \t\n\r");
                n.text = k == std::string::npos ? "" : n.text.substr(0, k + 1);
            }
            return n.text.empty();
        }
        if (n.tag == "insert" || n.tag == "img" || n.tag == "br") return false;
        return TrimEdge(n.children, front);
    };
    if (front) {
        for (auto& n : m)
            if (!visit(n)) return false;
    } else {
        for (auto it = m.rbegin(); it != m.rend(); ++it)
            if (!visit(*it)) return false;
    }
    return true;
}

void DropEmptyText(Markup& m) {
    m.erase(std::remove_if(m.begin(), m.end(), [](const Node& n) { return n.tag.empty() && n.text.empty(); }),
            m.end());
    // Merge adjacent text nodes.
    Markup merged;
    for (auto& n : m) {
        if (n.tag.empty() && !merged.empty() && merged.back().tag.empty())
            merged.back().text += n.text;
        else
            merged.push_back(std::move(n));
    }
    m = std::move(merged);
    for (auto& n : m)
        if (!n.tag.empty() && n.tag != "pre") DropEmptyText(n.children);
}

void NormaliseInlineRun(Markup& m) {
    bool last_space = true;
    CollapseInline(m, last_space);
    TrimEdge(m, true);
    TrimEdge(m, false);
    DropEmptyText(m);
}

void NormaliseBlocks(Markup& m) {
    // Whitespace between blocks is not content.
    m.erase(std::remove_if(m.begin(), m.end(), [](const Node& n) { return n.tag.empty() && Trim(n.text).empty(); }),
            m.end());
    for (auto& n : m) {
        if (n.tag == "pre" || n.tag == "hr") continue;
        if (n.tag == "li") {
            // Inline runs between nested blocks.
            Markup out, run;
            auto flush = [&] {
                if (!run.empty()) {
                    NormaliseInlineRun(run);
                    for (auto& r : run) out.push_back(std::move(r));
                }
                run.clear();
            };
            for (auto& c : n.children) {
                if (!c.tag.empty() && kBlock.count(c.tag)) {
                    flush();
                    Markup one{std::move(c)};
                    NormaliseBlocks(one);
                    for (auto& o : one) out.push_back(std::move(o));
                } else {
                    run.push_back(std::move(c));
                }
            }
            flush();
            n.children = std::move(out);
        } else if (IsInlineContainer(n.tag)) {
            NormaliseInlineRun(n.children);
        } else if (!n.tag.empty() && kBlock.count(n.tag)) {
            NormaliseBlocks(n.children);
        } else if (n.tag.empty()) {
            n.text = std::string(Trim(n.text));
        }
    }
}

}  // namespace

std::string Node::Attr(std::string_view name) const {
    for (const auto& [k, v] : attrs)
        if (k == name) return v;
    return "";
}

bool IsBlockElement(std::string_view name) {
    return name == "p" || name == "ul" || name == "ol" || name == "pre" || name == "blockquote" || name == "table" ||
           name == "hr" || (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6');
}

Markup ParseMarkdown(std::string_view md, bool multiline) {
    // Outermost call on this thread: count from zero (a previous call that threw has unwound its guards).
    markdown_text = md;
    Markup out;
    if (multiline) return ParseBlocks(SplitLines(md));
    ParseInline(md, out);
    return out;
}

std::string ToMarkdown(const Markup& m, bool multiline) {
    std::string out;
    if (multiline)
        WriteBlocks(m, out, "");
    else
        WriteInline(m, out);
    return out;
}

Markup FromXml(const pugi::xml_node& parent, bool multiline, std::vector<std::string>* unknown) {
    (void)multiline;
    Markup out;
    for (auto c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
            out.push_back(Text(c.value()));
        } else if (c.type() == pugi::node_element) {
            std::string name = c.name();
            if (auto colon = name.find(':'); colon != std::string::npos) name = name.substr(colon + 1);
            if (unknown && !kBlock.count(name) && !kInline.count(name)) unknown->push_back(name);
            Node n = Element(name);
            for (auto a = c.first_attribute(); a; a = a.next_attribute()) n.attrs.push_back({a.name(), a.value()});
            n.children = FromXml(c, multiline, unknown);
            out.push_back(std::move(n));
        }
    }
    return out;
}

Node ElementFromXml(const pugi::xml_node& element, std::vector<std::string>* unknown) {
    std::string name = element.name();
    if (auto colon = name.find(':'); colon != std::string::npos) name = name.substr(colon + 1);
    if (unknown && !kBlock.count(name) && !kInline.count(name)) unknown->push_back(name);
    Node n = Element(name);
    for (auto a = element.first_attribute(); a; a = a.next_attribute()) n.attrs.push_back({a.name(), a.value()});
    n.children = FromXml(element, true, unknown);
    return n;
}

void ToXml(const Markup& m, pugi::xml_node parent) {
    // pugixml indents an element's children unless its first child is text; an empty text node first keeps
    // indentation (which would be read as spaces) out of mixed content such as <p><em>a</em><em>b</em></p>.
    if (!m.empty() && !m.front().tag.empty() && kInline.count(m.front().tag))
        parent.append_child(pugi::node_pcdata).set_value("");
    for (const auto& n : m) {
        if (n.tag.empty()) {
            parent.append_child(pugi::node_pcdata).set_value(n.text.c_str());
            continue;
        }
        auto e = parent.append_child(n.tag.c_str());
        for (const auto& [k, v] : n.attrs) e.append_attribute(k.c_str()).set_value(v.c_str());
        ToXml(n.children, e);
    }
}

void Normalise(Markup& m, bool multiline) {
    if (multiline) {
        // Loose text straight inside a multiline value reads as a paragraph.
        for (auto& n : m)
            if (n.tag.empty() && !Trim(n.text).empty()) n = Element("p", {Text(n.text)});
        NormaliseBlocks(m);
    } else {
        NormaliseInlineRun(m);
    }
}

std::string Canonical(std::string_view md, bool multiline) {
    Markup m = ParseMarkdown(md, multiline);
    Normalise(m, multiline);
    return ToMarkdown(m, multiline);
}

}  // namespace isms::oscal::markup
