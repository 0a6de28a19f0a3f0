#include "isms/catalog/query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "isms/core/error.hpp"

namespace isms::catalog::query {

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// 1-based column in code points of byte offset `pos` (UTF-8 continuation bytes do not count).
int ColumnOf(std::string_view text, size_t pos) {
    int col = 1;
    for (size_t i = 0; i < pos && i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
    return col;
}

bool IsWordChar(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || u >= 0x80 || c == '_' || c == '.' || c == '-' || c == ':' || c == '/' || c == '+' ||
           c == '#' || c == '*';
}

enum class Tok { kWord, kString, kLParen, kRParen, kComma, kEq, kNe, kTilde, kNotTilde, kEnd };

struct Token {
    Tok kind;
    std::string text;  // word or string contents; operator spelling otherwise
    size_t pos;        // byte offset in the source
};

std::string Describe(const Token& t) {
    switch (t.kind) {
        case Tok::kEnd: return "the end of the expression";
        case Tok::kString: return fmt::format("the quoted text '{}'", t.text);
        default: return fmt::format("'{}'", t.text);
    }
}

bool IsKeyword(const Token& t, std::string_view kw) { return t.kind == Tok::kWord && EqualsIgnoreCase(t.text, kw); }
bool IsAnyKeyword(const Token& t) {
    return IsKeyword(t, "and") || IsKeyword(t, "or") || IsKeyword(t, "not") || IsKeyword(t, "in");
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) { Lex(); }

    Expr ParseAll() {
        if (tokens_.size() == 1) return Expr{};  // only kEnd: the empty clause matches everything
        Expr e = ParseOr();
        if (Peek().kind != Tok::kEnd) {
            Fail(Peek().pos, fmt::format("unexpected {} (join conditions with 'and' or 'or')", Describe(Peek())));
        }
        return e;
    }

private:
    [[noreturn]] void Fail(size_t pos, const std::string& what) const {
        int col = ColumnOf(text_, pos);
        std::string one_line(text_);
        std::replace(one_line.begin(), one_line.end(), '\n', ' ');
        std::replace(one_line.begin(), one_line.end(), '\t', ' ');
        std::string caret = std::string(static_cast<size_t>(col - 1), ' ') + "^";
        throw Error::InvalidInput(
            fmt::format("syntax error in the where-clause at column {}: {}\n  {}\n  {}", col, what, one_line, caret),
            {{.field = "where", .message = what, .column = col}});
    }

    void Lex() {
        size_t i = 0;
        while (i < text_.size()) {
            char c = text_[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++i;
            } else if (c == '(') {
                tokens_.push_back({Tok::kLParen, "(", i++});
            } else if (c == ')') {
                tokens_.push_back({Tok::kRParen, ")", i++});
            } else if (c == ',') {
                tokens_.push_back({Tok::kComma, ",", i++});
            } else if (c == '=') {
                // "==" is accepted as "=" (a common habit from programming languages).
                size_t n = (i + 1 < text_.size() && text_[i + 1] == '=') ? 2 : 1;
                tokens_.push_back({Tok::kEq, "=", i});
                i += n;
            } else if (c == '~') {
                tokens_.push_back({Tok::kTilde, "~", i++});
            } else if (c == '!') {
                if (i + 1 < text_.size() && text_[i + 1] == '=') {
                    tokens_.push_back({Tok::kNe, "!=", i});
                } else if (i + 1 < text_.size() && text_[i + 1] == '~') {
                    tokens_.push_back({Tok::kNotTilde, "!~", i});
                } else {
                    Fail(i, "'!' must be followed by '=' or '~'");
                }
                i += 2;
            } else if (c == '<' && i + 1 < text_.size() && text_[i + 1] == '>') {
                tokens_.push_back({Tok::kNe, "!=", i});
                i += 2;
            } else if (c == '\'' || c == '"') {
                size_t start = i++;
                std::string s;
                bool closed = false;
                while (i < text_.size()) {
                    if (text_[i] == c) {
                        // A doubled quote inside a quoted string stands for one quote character.
                        if (i + 1 < text_.size() && text_[i + 1] == c) {
                            s += c;
                            i += 2;
                            continue;
                        }
                        closed = true;
                        ++i;
                        break;
                    }
                    s += text_[i++];
                }
                if (!closed) Fail(start, fmt::format("unterminated quoted text (no closing {})", c));
                tokens_.push_back({Tok::kString, std::move(s), start});
            } else if (IsWordChar(c)) {
                size_t start = i;
                while (i < text_.size() && IsWordChar(text_[i])) ++i;
                tokens_.push_back({Tok::kWord, std::string(text_.substr(start, i - start)), start});
            } else {
                Fail(i, fmt::format("unexpected character '{}'", c));
            }
        }
        tokens_.push_back({Tok::kEnd, "", text_.size()});
    }

    const Token& Peek() const { return tokens_[pos_]; }
    const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

    static void Append(Expr& into, Expr child, Expr::Kind kind) {
        // Flatten "a and b and c" into one node with three children.
        if (child.kind == kind) {
            for (auto& c : child.children) into.children.push_back(std::move(c));
        } else {
            into.children.push_back(std::move(child));
        }
    }

    Expr ParseOr() {
        Expr first = ParseAnd();
        if (!IsKeyword(Peek(), "or")) return first;
        Expr e;
        e.kind = Expr::Kind::kOr;
        Append(e, std::move(first), Expr::Kind::kOr);
        while (IsKeyword(Peek(), "or")) {
            Next();
            Append(e, ParseAnd(), Expr::Kind::kOr);
        }
        return e;
    }

    Expr ParseAnd() {
        Expr first = ParseNot();
        if (!IsKeyword(Peek(), "and")) return first;
        Expr e;
        e.kind = Expr::Kind::kAnd;
        Append(e, std::move(first), Expr::Kind::kAnd);
        while (IsKeyword(Peek(), "and")) {
            Next();
            Append(e, ParseNot(), Expr::Kind::kAnd);
        }
        return e;
    }

    Expr ParseNot() {
        if (IsKeyword(Peek(), "not")) {
            Next();
            Expr e;
            e.kind = Expr::Kind::kNot;
            e.children.push_back(ParseNot());
            return e;
        }
        return ParsePrimary();
    }

    Expr ParsePrimary() {
        const Token& t = Peek();
        if (t.kind == Tok::kLParen) {
            size_t open = t.pos;
            Next();
            if (Peek().kind == Tok::kRParen) Fail(Peek().pos, "empty parentheses: expected a condition");
            Expr e = ParseOr();
            if (Peek().kind != Tok::kRParen)
                Fail(Peek().pos, fmt::format("expected ')' to close the '(' at column {}, found {}",
                                             ColumnOf(text_, open), Describe(Peek())));
            Next();
            return e;
        }
        if (t.kind != Tok::kWord || IsAnyKeyword(t)) {
            Fail(t.pos, fmt::format("expected an attribute name, found {}", Describe(t)));
        }
        Expr e;
        e.kind = Expr::Kind::kCompare;
        e.field = t.text;
        e.field_column = ColumnOf(text_, t.pos);
        Next();
        const Token& op = Peek();
        switch (op.kind) {
            case Tok::kEq: e.op = CompareOp::kEq; break;
            case Tok::kNe: e.op = CompareOp::kNe; break;
            case Tok::kTilde: e.op = CompareOp::kContains; break;
            case Tok::kNotTilde: e.op = CompareOp::kNotContains; break;
            default:
                if (IsKeyword(op, "in")) {
                    e.op = CompareOp::kIn;
                } else if (IsKeyword(op, "not") && IsKeyword(tokens_[pos_ + 1], "in")) {
                    Next();
                    e.op = CompareOp::kNotIn;
                } else {
                    Fail(op.pos, fmt::format("expected an operator (=, !=, ~, !~, in, not in) after '{}', found {}",
                                             e.field, Describe(op)));
                }
        }
        std::string op_text = op.kind == Tok::kWord ? (e.op == CompareOp::kIn ? "in" : "not in") : op.text;
        Next();
        if (e.op == CompareOp::kIn || e.op == CompareOp::kNotIn) {
            if (Peek().kind != Tok::kLParen)
                Fail(Peek().pos, fmt::format("expected '(' after '{}', found {}", op_text, Describe(Peek())));
            Next();
            while (true) {
                ReadValue(e, op_text);
                if (Peek().kind == Tok::kComma) {
                    Next();
                    continue;
                }
                if (Peek().kind == Tok::kRParen) {
                    Next();
                    break;
                }
                Fail(Peek().pos, fmt::format("expected ',' or ')' in the list, found {}", Describe(Peek())));
            }
        } else {
            ReadValue(e, op_text);
        }
        return e;
    }

    void ReadValue(Expr& e, const std::string& after) {
        const Token& v = Peek();
        if (v.kind == Tok::kString || (v.kind == Tok::kWord && !IsAnyKeyword(v))) {
            e.values.push_back(v.text);
            e.value_columns.push_back(ColumnOf(text_, v.pos));
            Next();
            return;
        }
        std::string hint = v.kind == Tok::kWord ? " (quote a value that is a keyword: 'and')" : "";
        Fail(v.pos, fmt::format("expected a value after '{}', found {}{}", after, Describe(v), hint));
    }

    std::string_view text_;
    std::vector<Token> tokens_;
    size_t pos_ = 0;
};

std::string Quote(const std::string& v) {
    bool bare = !v.empty();
    for (char c : v)
        if (!IsWordChar(c)) bare = false;
    if (bare) {
        Token t{Tok::kWord, v, 0};
        if (IsAnyKeyword(t)) bare = false;
    }
    if (bare) return v;
    std::string out = "'";
    for (char c : v) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

size_t EditDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t sub = prev[j - 1] + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// The closest candidate, when it is close enough to be a likely typo.
std::string Closest(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        size_t d = EditDistance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}


bool AnyEquals(const Values& have, const Values& wanted) {
    for (const auto& h : have)
        for (const auto& w : wanted)
            if (EqualsIgnoreCase(h, w)) return true;
    return false;
}

bool AnyContains(const Values& have, const std::string& needle) {
    for (const auto& h : have)
        if (ContainsIgnoreCase(h, needle)) return true;
    return false;
}

}  // namespace

Expr Parse(std::string_view text) { return Parser(text).ParseAll(); }

std::string ToString(const Expr& e) {
    switch (e.kind) {
        case Expr::Kind::kAll: return "";
        case Expr::Kind::kCompare: {
            switch (e.op) {
                case CompareOp::kEq: return e.field + " = " + Quote(e.values.at(0));
                case CompareOp::kNe: return e.field + " != " + Quote(e.values.at(0));
                case CompareOp::kContains: return e.field + " ~ " + Quote(e.values.at(0));
                case CompareOp::kNotContains: return e.field + " !~ " + Quote(e.values.at(0));
                case CompareOp::kIn:
                case CompareOp::kNotIn: {
                    std::string out = e.field + (e.op == CompareOp::kIn ? " in (" : " not in (");
                    for (size_t i = 0; i < e.values.size(); ++i) out += (i ? ", " : "") + Quote(e.values[i]);
                    return out + ")";
                }
            }
            return "";
        }
        case Expr::Kind::kNot: {
            const Expr& c = e.children.at(0);
            bool simple = c.kind == Expr::Kind::kCompare || c.kind == Expr::Kind::kNot;
            return simple ? "not " + ToString(c) : "not (" + ToString(c) + ")";
        }
        case Expr::Kind::kAnd:
        case Expr::Kind::kOr: {
            std::string out;
            for (size_t i = 0; i < e.children.size(); ++i) {
                const Expr& c = e.children[i];
                // "or" binds looser than "and": an "or" inside an "and" needs parentheses.
                bool paren = e.kind == Expr::Kind::kAnd && c.kind == Expr::Kind::kOr;
                if (i) out += e.kind == Expr::Kind::kAnd ? " and " : " or ";
                out += paren ? "(" + ToString(c) + ")" : ToString(c);
            }
            return out;
        }
    }
    return "";
}

const FieldSpec* Vocabulary::Find(std::string_view name) const {
    for (const auto& f : fields_)
        if (EqualsIgnoreCase(f.name, name)) return &f;
    return nullptr;
}

std::vector<std::string> Vocabulary::FieldNames() const {
    std::vector<std::string> out;
    for (const auto& f : fields_) out.push_back(f.name);
    return out;
}

const FieldSpec& Vocabulary::Require(std::string_view name, std::string_view role, int column) const {
    if (const auto* f = Find(name)) return *f;
    auto names = FieldNames();
    std::string guess = Closest(name, names);
    std::string msg = fmt::format("unknown {} '{}'", role, name);
    if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
    if (column) msg += fmt::format(" at column {}", column);
    msg += "; valid: " + Join(names);
    throw Error::InvalidInput(msg, {{.field = std::string(name),
                                     .message = fmt::format("unknown {}", role),
                                     .allowed = names,
                                     .column = column}});
}

std::string Vocabulary::CanonicalValue(const FieldSpec& field, std::string_view value, int column) const {
    if (field.free_text) return std::string(value);
    // The standard prints attribute values as hashtags (#Detective); accept them as written there.
    std::string_view v = value;
    if (!v.empty() && v.front() == '#') v.remove_prefix(1);
    for (const auto& allowed : field.values)
        if (EqualsIgnoreCase(allowed, v)) return allowed;
    std::string guess = Closest(v, field.values);
    std::string msg = fmt::format("unknown value '{}' for {}", value, field.name);
    if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
    if (column) msg += fmt::format(" at column {}", column);
    msg += "; valid: " + Join(field.values);
    throw Error::InvalidInput(
        msg, {{.field = field.name, .message = fmt::format("unknown value '{}'", value), .allowed = field.values,
               .column = column}});
}

void Validate(Expr& e, const Vocabulary& vocabulary) {
    if (e.kind != Expr::Kind::kCompare) {
        for (auto& c : e.children) Validate(c, vocabulary);
        return;
    }
    const FieldSpec& f = vocabulary.Require(e.field, "attribute", e.field_column);
    e.field = f.name;
    if (e.op == CompareOp::kContains || e.op == CompareOp::kNotContains) return;
    for (size_t i = 0; i < e.values.size(); ++i)
        e.values[i] = vocabulary.CanonicalValue(f, e.values[i], i < e.value_columns.size() ? e.value_columns[i] : 0);
}

Expr Compile(std::string_view text, const Vocabulary& vocabulary) {
    Expr e = Parse(text);
    Validate(e, vocabulary);
    return e;
}

bool Matches(const Expr& e, const Item& item) {
    switch (e.kind) {
        case Expr::Kind::kAll: return true;
        case Expr::Kind::kAnd:
            for (const auto& c : e.children)
                if (!Matches(c, item)) return false;
            return true;
        case Expr::Kind::kOr:
            for (const auto& c : e.children)
                if (Matches(c, item)) return true;
            return false;
        case Expr::Kind::kNot: return !Matches(e.children.at(0), item);
        case Expr::Kind::kCompare: {
            static const Values kNone;
            auto it = item.find(e.field);
            const Values& have = it == item.end() ? kNone : it->second;
            switch (e.op) {
                case CompareOp::kEq:
                case CompareOp::kIn: return AnyEquals(have, e.values);
                case CompareOp::kNe:
                case CompareOp::kNotIn: return !AnyEquals(have, e.values);
                case CompareOp::kContains: return AnyContains(have, e.values.at(0));
                case CompareOp::kNotContains: return !AnyContains(have, e.values.at(0));
            }
        }
    }
    return false;
}

std::string Trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return "";
    size_t e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::string Join(const std::vector<std::string>& values, std::string_view sep) {
    std::string out;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) out += sep;
        out += values[i];
    }
    return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (Lower(a[i]) != Lower(b[i])) return false;
    return true;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) return true;
    if (needle.size() > haystack.size()) return false;
    for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        size_t k = 0;
        while (k < needle.size() && Lower(haystack[i + k]) == Lower(needle[k])) ++k;
        if (k == needle.size()) return true;
    }
    return false;
}

int NaturalCompare(std::string_view a, std::string_view b) {
    size_t i = 0, j = 0;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            size_t si = i, sj = j;
            while (si < a.size() && a[si] == '0') ++si;  // leading zeros do not change the number
            while (sj < b.size() && b[sj] == '0') ++sj;
            size_t ei = si, ej = sj;
            while (ei < a.size() && digit(a[ei])) ++ei;
            while (ej < b.size() && digit(b[ej])) ++ej;
            size_t la = ei - si, lb = ej - sj;
            if (la != lb) return la < lb ? -1 : 1;
            if (int c = a.substr(si, la).compare(b.substr(sj, lb)); c != 0) return c < 0 ? -1 : 1;
            i = ei;
            j = ej;
            continue;
        }
        char ca = Lower(a[i]), cb = Lower(b[j]);
        if (ca != cb) return static_cast<unsigned char>(ca) < static_cast<unsigned char>(cb) ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size()) return 1;
    if (j < b.size()) return -1;
    return 0;
}

}  // namespace isms::catalog::query
