#include "isms/records/values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "isms/core/time.hpp"

namespace isms::records {

namespace {

std::string Trim(std::string_view s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    return std::string(s.substr(a, b - a));
}

std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string JsonKind(const Json& v) {
    if (v.is_string()) return "text";
    if (v.is_number()) return "a number";
    if (v.is_boolean()) return "a boolean";
    if (v.is_array()) return "a list";
    if (v.is_object()) return "an object";
    return "null";
}

std::string Shown(const Json& v) {
    std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

size_t Utf8Length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

bool IsEmail(std::string_view s) {
    auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
    auto domain = s.substr(at + 1);
    auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
    for (char c : s)
        if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ';' || c == '<' || c == '>') return false;
    return true;
}

bool IsUrl(std::string_view s) {
    auto starts = [&](std::string_view p) { return s.substr(0, p.size()) == p; };
    std::string_view rest;
    if (starts("https://")) {
        rest = s.substr(8);
    } else if (starts("http://")) {
        rest = s.substr(7);
    } else {
        return false;
    }
    if (rest.empty() || rest.front() == '/') return false;
    for (char c : s)
        if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '<' || c == '>') return false;
    return true;
}

bool IsSha256(std::string_view s) {
    if (s.size() != 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

void Problem(std::vector<ErrorDetail>& out, const std::string& path, std::string message,
             std::vector<std::string> allowed = {}) {
    out.push_back({path, std::move(message), std::move(allowed)});
}

// Checks one scalar value of type `t` (the field or list-item type).
void CheckScalar(const FieldDef& f, FieldType t, Json& v, const std::string& path, std::vector<ErrorDetail>& out) {
    auto want_text = [&](const char* what) -> bool {
        if (!v.is_string()) {
            Problem(out, path, fmt::format("must be {}, not {} ({})", what, JsonKind(v), Shown(v)));
            return false;
        }
        v = Trim(v.get<std::string>());
        return true;
    };
    switch (t) {
        case FieldType::kText:
        case FieldType::kMarkdown: {
            if (!want_text("text")) return;
            auto len = Utf8Length(v.get_ref<const std::string&>());
            size_t hard = t == FieldType::kText ? 2000 : 200000;
            if (f.min && !f.IsList() && len < *f.min)
                Problem(out, path, fmt::format("must be at least {} characters long", *f.min));
            if (f.max && !f.IsList() && len > *f.max) {
                Problem(out, path, fmt::format("must be at most {} characters long (is {})", *f.max, len));
            } else if (len > hard) {
                Problem(out, path, fmt::format("must be at most {} characters long (is {})", hard, len));
            }
            return;
        }
        case FieldType::kEnum: {
            if (!want_text("one of the allowed values")) return;
            const auto& s = v.get_ref<const std::string&>();
            if (std::find(f.values.begin(), f.values.end(), s) == f.values.end())
                Problem(out, path, fmt::format("'{}' is not an allowed value", s), f.values);
            return;
        }
        case FieldType::kDate: {
            if (!want_text("a date (YYYY-MM-DD)")) return;
            if (!time::ParseDate(v.get_ref<const std::string&>()))
                Problem(out, path, fmt::format("'{}' is not a date (YYYY-MM-DD)", v.get<std::string>()));
            return;
        }
        case FieldType::kNumber: {
            if (!v.is_number()) {
                Problem(out, path, fmt::format("must be a number, not {} ({})", JsonKind(v), Shown(v)));
                return;
            }
            double d = v.get<double>();
            if (f.min && d < *f.min) Problem(out, path, fmt::format("must be at least {} (is {})", *f.min, d));
            if (f.max && d > *f.max) Problem(out, path, fmt::format("must be at most {} (is {})", *f.max, d));
            return;
        }
        case FieldType::kBoolean:
            if (!v.is_boolean())
                Problem(out, path, fmt::format("must be true or false, not {} ({})", JsonKind(v), Shown(v)));
            return;
        case FieldType::kPerson:
        case FieldType::kRole:
        case FieldType::kLink: {
            if (!want_text(fmt::format("the id of a {} record", f.link_type).c_str())) return;
            auto len = v.get_ref<const std::string&>().size();
            if (len > 200) Problem(out, path, "is too long to be a record id");
            return;
        }
        case FieldType::kControl: {
            if (!want_text("a control id such as 5.19")) return;
            auto s = v.get<std::string>();
            if (s.size() > 2 && (s[0] == 'A' || s[0] == 'a') && s[1] == '.') s = s.substr(2);  // "A.5.19"
            v = s;
            if (s.size() > 64) Problem(out, path, "is too long to be a control id");
            return;
        }
        case FieldType::kEmail: {
            if (!want_text("an e-mail address")) return;
            v = Lower(v.get<std::string>());
            if (!IsEmail(v.get_ref<const std::string&>()))
                Problem(out, path, fmt::format("'{}' is not an e-mail address", v.get<std::string>()));
            return;
        }
        case FieldType::kUrl: {
            if (!want_text("an http(s) URL")) return;
            if (!IsUrl(v.get_ref<const std::string&>()))
                Problem(out, path, fmt::format("'{}' is not an http:// or https:// URL", Shown(v)));
            return;
        }
        case FieldType::kAttachment: {
            if (!want_text("the SHA-256 of an attachment")) return;
            v = Lower(v.get<std::string>());
            if (!IsSha256(v.get_ref<const std::string&>()))
                Problem(out, path, fmt::format("'{}' is not a SHA-256 (64 hexadecimal digits)", Shown(v)));
            return;
        }
        case FieldType::kList: Problem(out, path, "lists of lists are not supported"); return;
    }
}

}  // namespace

bool IsEmptyValue(const Json& v) {
    if (v.is_null()) return true;
    if (v.is_string()) return Trim(v.get_ref<const std::string&>()).empty();
    if (v.is_array()) return v.empty();
    return false;
}

void CheckValue(const FieldDef& f, Json& v, std::vector<ErrorDetail>& problems) {
    if (!f.IsList()) {
        CheckScalar(f, f.type, v, f.name, problems);
        return;
    }
    if (!v.is_array()) {
        problems.push_back({f.name, fmt::format("must be a list, not {} ({})", JsonKind(v), Shown(v))});
        return;
    }
    Json items = Json::array();
    std::set<std::string> seen;
    for (size_t i = 0; i < v.size(); ++i) {
        Json item = v[i];
        if (IsEmptyValue(item)) continue;
        CheckScalar(f, f.item_type, item, fmt::format("{}[{}]", f.name, i), problems);
        // Duplicates in a list say nothing more than one entry: keep the first.
        if (seen.insert(item.dump()).second) items.push_back(std::move(item));
    }
    v = std::move(items);
    if (f.min && v.size() < *f.min) problems.push_back({f.name, fmt::format("needs at least {} entries", *f.min)});
    if (f.max && v.size() > *f.max)
        problems.push_back({f.name, fmt::format("may have at most {} entries (has {})", *f.max, v.size())});
}

std::vector<ErrorDetail> CheckData(const RecordType& t, Json& data) {
    std::vector<ErrorDetail> problems;
    if (!data.is_object()) {
        problems.push_back({"", fmt::format("the data of a {} must be an object of fields", t.name)});
        return problems;
    }
    Json clean = Json::object();
    for (auto it = data.begin(); it != data.end(); ++it) {
        const FieldDef* f = t.Field(it.key());
        if (!f && it.key() == "state") {
            // A state is reached through the workflow's transitions, never written as a field.
            problems.push_back({"state",
                                fmt::format("'state' is not a field: a {} starts in '{}' and moves through its "
                                            "transitions (isms record transition, POST …/transition)",
                                            t.name, t.workflow.initial),
                                t.StateNames()});
            continue;
        }
        if (!f) {
            problems.push_back({it.key(), fmt::format("unknown field '{}' of {}", it.key(), t.name), t.FieldNames()});
            continue;
        }
        Json v = it.value();
        if (IsEmptyValue(v)) continue;
        CheckValue(*f, v, problems);
        if (!IsEmptyValue(v)) clean[it.key()] = std::move(v);
    }
    for (const auto& f : t.fields)
        if (f.required && !clean.contains(f.name)) problems.push_back({f.name, "is required"});
    data = std::move(clean);
    return problems;
}

Json ValueFromText(const FieldDef& f, std::string_view text, std::vector<ErrorDetail>& problems) {
    auto scalar = [&](FieldType t, const std::string& s, const std::string& path) -> Json {
        if (t == FieldType::kNumber) {
            double d = 0;
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
            if (ec != std::errc() || p != s.data() + s.size()) {
                problems.push_back({path, fmt::format("must be a number, not '{}'", s)});
                return nullptr;
            }
            if (d == static_cast<double>(static_cast<int64_t>(d)) && s.find_first_of(".eE") == std::string::npos)
                return static_cast<int64_t>(d);
            return d;
        }
        if (t == FieldType::kBoolean) {
            auto l = Lower(s);
            if (l == "true" || l == "yes" || l == "1" || l == "y") return true;
            if (l == "false" || l == "no" || l == "0" || l == "n") return false;
            problems.push_back({path, fmt::format("must be true or false, not '{}'", s), {"true", "false"}});
            return nullptr;
        }
        return s;
    };
    std::string s = Trim(text);
    if (s.empty()) return nullptr;
    if (!f.IsList()) return scalar(f.type, s, f.name);
    Json arr = Json::array();
    size_t start = 0, i = 0;
    for (;; ++i) {
        if (i == s.size() || s[i] == ';') {
            std::string item = Trim(std::string_view(s).substr(start, i - start));
            if (!item.empty()) {
                Json v = scalar(f.item_type, item, fmt::format("{}[{}]", f.name, arr.size()));
                if (!v.is_null()) arr.push_back(std::move(v));
            }
            start = i + 1;
            if (i == s.size()) break;
        }
    }
    return arr;
}

std::string ValueToText(const Json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number()) return fmt::format("{}", v.get<double>());
    if (v.is_array()) {
        std::string out;
        for (const auto& item : v) out += (out.empty() ? "" : "; ") + ValueToText(item);
        return out;
    }
    return v.dump();
}

std::string Summarise(std::string_view what, const std::vector<ErrorDetail>& problems) {
    std::string msg = fmt::format("{}: ", what);
    size_t shown = 0;
    for (const auto& p : problems) {
        if (shown == 5) {
            msg += fmt::format("; and {} more", problems.size() - shown);
            break;
        }
        std::string where;
        if (p.line) where = fmt::format("line {}: ", p.line);
        if (!p.field.empty()) where += p.field + ": ";
        msg += (shown ? "; " : "") + where + p.message;
        if (!p.allowed.empty() && p.allowed.size() <= 12) {
            msg += " (allowed: ";
            for (size_t i = 0; i < p.allowed.size(); ++i) msg += (i ? ", " : "") + p.allowed[i];
            msg += ")";
        }
        ++shown;
    }
    return msg;
}

}  // namespace isms::records
