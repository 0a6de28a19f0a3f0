#include "isms/core/nesting.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

#include "isms/core/error.hpp"

namespace isms {

namespace {

[[noreturn]] void TooDeepAt(std::string_view text, size_t byte, std::string_view source, std::string_view what,
                            int limit) {
    auto [line, column] = LineColumn(text, byte);
    ThrowNestedTooDeep(source, what, limit, line, column, byte);
}

bool StartsWith(std::string_view text, size_t i, std::string_view prefix) {
    return text.compare(i, prefix.size(), prefix) == 0;
}

// ---- YAML ---------------------------------------------------------------------------------------------------

// Flow collections counted in the text: yaml-cpp's scanner keeps every token of a flow collection whose keys
// are undecided in memory, so 8 MiB of '[' would cost gigabytes before the parser saw the first one. A quote or
// bracket opens something only where a YAML node may start (after line start, indentation, '[', '{', ',', ':',
// '-', '?', an anchor or a tag); block scalars (| and >) are skipped; '#' after white space starts a comment. The count errs on the
// side of counting: the event pass below is exact.
void CheckYamlFlowNesting(std::string_view text, std::string_view source, int limit) {
    int depth = 0;
    size_t i = 0, n = text.size();
    while (i < n) {
        // One line, then (after a block scalar header) the content lines more indented than it.
        size_t indent = 0;
        while (i + indent < n && text[i + indent] == ' ') ++indent;
        char prev = '\0';        // the last significant character on this line ('\0': none yet)
        size_t last_sig = std::string_view::npos;
        for (; i < n && text[i] != '\n'; ++i) {
            char c = text[i];
            if (c == ' ' || c == '\t' || c == '\r') continue;
            bool node_start = prev == '\0' || prev == '[' || prev == '{' || prev == ',' || prev == ':' ||
                              prev == '-' || prev == '?';
            if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
                while (i < n && text[i] != '\n') ++i;
                break;
            }
            if ((c == '&' || c == '!') && node_start) {
                // An anchor or tag: the node starts after it.
                while (i + 1 < n && text[i + 1] != ' ' && text[i + 1] != '\t' && text[i + 1] != '\n' &&
                       text[i + 1] != '[' && text[i + 1] != '{')
                    ++i;
                continue;
            }
            if ((c == '"' || c == '\'') && node_start) {
                char q = c;
                for (++i; i < n; ++i) {
                    if (q == '"' && text[i] == '\\') {
                        ++i;
                    } else if (text[i] == q) {
                        if (q == '\'' && i + 1 < n && text[i + 1] == '\'') {
                            ++i;
                        } else {
                            break;
                        }
                    }
                }
                prev = q;
                last_sig = i;
                continue;
            }
            if ((c == '[' || c == '{') && (node_start || depth > 0)) {
                if (++depth > limit) TooDeepAt(text, i, source, "sequences and mappings", limit);
            } else if ((c == ']' || c == '}') && depth > 0) {
                --depth;
            }
            prev = c;
            last_sig = i;
        }
        // A block scalar header ends the line ("key: |", "- >-", "|2"): its content is text, not structure.
        bool block_scalar = false;
        if (last_sig != std::string_view::npos && depth == 0) {
            size_t j = last_sig + 1;
            while (j > 0 && (text[j - 1] == '-' || text[j - 1] == '+' || (text[j - 1] >= '0' && text[j - 1] <= '9')))
                --j;
            if (j > 0 && (text[j - 1] == '|' || text[j - 1] == '>')) {
                size_t k = j - 1;
                block_scalar = k == 0 || text[k - 1] == ' ' || text[k - 1] == '\t' || text[k - 1] == '\n';
            }
        }
        if (i < n) ++i;  // the '\n'
        if (!block_scalar) continue;
        while (i < n) {
            size_t sp = 0;
            while (i + sp < n && text[i + sp] == ' ') ++sp;
            bool blank = i + sp >= n || text[i + sp] == '\n' || text[i + sp] == '\r';
            if (!blank && sp <= indent) break;
            while (i < n && text[i] != '\n') ++i;
            if (i < n) ++i;
        }
    }
}

// Block nesting and aliases, counted on yaml-cpp's events. Throwing from a handler stops the parser, so its
// recursion never goes deeper than the limit.
class NestingCounter : public YAML::EventHandler {
public:
    NestingCounter(std::string_view source, int limit) : source_(source), limit_(limit) {}

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
        Leaf(mark, anchor);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        for (const auto& f : open_)
            if (f.anchor == anchor && anchor != YAML::NullAnchor)
                Refuse(mark, "an alias names a node that contains it (a cycle)");
        auto it = anchors_.find(anchor);
        Shape s = it == anchors_.end() ? Shape{} : it->second;
        if (static_cast<int>(open_.size()) + s.height > limit_)
            ThrowNestedTooDeep(source_, "sequences and mappings (aliases expanded)", limit_, mark.line + 1,
                               mark.column + 1, static_cast<size_t>(std::max(mark.pos, 0)));
        Add(mark, s);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        Open(mark, anchor);
    }
    void OnSequenceEnd() override { Close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        Open(mark, anchor);
    }
    void OnMapEnd() override { Close(); }

private:
    struct Shape {
        int height = 0;    // levels of collections in the node (a scalar: 0)
        size_t nodes = 1;  // nodes it stands for, aliases expanded
    };
    struct Frame {
        YAML::anchor_t anchor;
        Shape shape;
    };

    void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
        if (static_cast<int>(open_.size()) >= limit_)
            ThrowNestedTooDeep(source_, "sequences and mappings", limit_, mark.line + 1, mark.column + 1,
                               static_cast<size_t>(std::max(mark.pos, 0)));
        open_.push_back({anchor, {1, 1}});
        Count(mark, 1);
    }
    void Close() {
        if (open_.empty()) return;
        Frame f = open_.back();
        open_.pop_back();
        if (f.anchor != YAML::NullAnchor) anchors_[f.anchor] = f.shape;
        if (!open_.empty()) {
            auto& parent = open_.back().shape;
            parent.height = std::max(parent.height, f.shape.height + 1);
            parent.nodes += f.shape.nodes;
        }
    }
    void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
        if (anchor != YAML::NullAnchor) anchors_[anchor] = Shape{};
        Add(mark, Shape{});
    }
    // A child of the given shape in the innermost open collection.
    void Add(const YAML::Mark& mark, const Shape& s) {
        if (!open_.empty()) {
            auto& parent = open_.back().shape;
            parent.height = std::max(parent.height, s.height + 1);
            parent.nodes += s.nodes;
        }
        Count(mark, s.nodes);
    }
    void Count(const YAML::Mark& mark, size_t nodes) {
        total_ += nodes;
        if (total_ > kMaxYamlNodes)
            Refuse(mark, fmt::format("its aliases expand to more than {} nodes", kMaxYamlNodes));
    }
    [[noreturn]] void Refuse(const YAML::Mark& mark, const std::string& why) {
        throw Error::InvalidInput(fmt::format("{} is refused at line {}, column {}: {}", source_, mark.line + 1,
                                              mark.column + 1, why),
                                  {{.message = why, .line = mark.line + 1, .column = mark.column + 1}});
    }

    std::string_view source_;
    int limit_;
    std::vector<Frame> open_;
    std::map<YAML::anchor_t, Shape> anchors_;
    size_t total_ = 0;
};

}  // namespace

void ThrowNestedTooDeep(std::string_view source, std::string_view what, int limit, size_t line, size_t column,
                        size_t byte) {
    std::string message = fmt::format("nested deeper than {} levels", limit);
    throw Error::InvalidInput(
        fmt::format("{} is {} at line {}, column {} (byte {}): isms reads at most {} levels of {}", source, message,
                    line, column, byte, limit, what),
        {{.message = message, .line = static_cast<int>(line), .column = static_cast<int>(column)}});
}

void CheckJsonNesting(std::string_view text, std::string_view source, int limit) {
    int depth = 0;
    bool in_string = false, escape = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (escape) {
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) TooDeepAt(text, i, source, "arrays and objects", limit);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
}

Json ParseUserJson(std::string_view text, std::string_view source) {
    CheckJsonNesting(text, source);
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& e) {
        throw Error::InvalidInput(fmt::format("{} is not valid JSON (at byte {}): {}", source, e.byte, e.what()));
    }
}

void CheckYamlNesting(std::string_view text, std::string_view source, int limit) {
    CheckYamlFlowNesting(text, source, limit);
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    NestingCounter counter(source, limit);
    parser.HandleNextDocument(counter);  // YAML::Load reads the first document only; so does this
}

void CheckXmlNesting(std::string_view text, std::string_view source, int limit) {
    int depth = 0;
    size_t n = text.size();
    auto skip_past = [&](size_t from, std::string_view end) {
        size_t p = text.find(end, from);
        return p == std::string_view::npos ? n : p + end.size();
    };
    for (size_t i = 0; i < n;) {
        if (text[i] != '<') {
            ++i;
            continue;
        }
        if (StartsWith(text, i, "<!--")) {
            i = skip_past(i + 4, "-->");
        } else if (StartsWith(text, i, "<![CDATA[")) {
            i = skip_past(i + 9, "]]>");
        } else if (StartsWith(text, i, "<?")) {
            i = skip_past(i + 2, "?>");
        } else if (StartsWith(text, i, "<!")) {
            // A declaration (DOCTYPE with its internal subset): up to the '>' outside brackets and quotes.
            int brackets = 0;
            char quote = 0;
            for (i += 2; i < n; ++i) {
                char c = text[i];
                if (quote) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '[') {
                    ++brackets;
                } else if (c == ']') {
                    --brackets;
                } else if (c == '>' && brackets <= 0) {
                    break;
                }
            }
            ++i;
        } else if (StartsWith(text, i, "</")) {
            --depth;
            i = skip_past(i + 2, ">");
        } else {
            size_t start = i;
            char quote = 0;
            bool self_closing = false;
            for (++i; i < n; ++i) {
                char c = text[i];
                if (quote) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    self_closing = text[i - 1] == '/';
                    break;
                }
            }
            ++i;
            if (!self_closing && ++depth > limit) TooDeepAt(text, start, source, "elements", limit);
        }
    }
}

}  // namespace isms
