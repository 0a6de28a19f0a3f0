#include "isms/records/schema.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "isms/core/embedded.hpp"
#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"
#include "isms/records/values.hpp"

ISMS_DECLARE_EMBEDDED(record_schemas)

namespace isms::records {

namespace {

struct TypeName {
    FieldType type;
    std::string_view name;
};
constexpr TypeName kFieldTypes[] = {
    {FieldType::kText, "text"},       {FieldType::kMarkdown, "markdown"}, {FieldType::kEnum, "enum"},
    {FieldType::kDate, "date"},       {FieldType::kNumber, "number"},     {FieldType::kBoolean, "boolean"},
    {FieldType::kPerson, "person"},   {FieldType::kRole, "role"},         {FieldType::kLink, "link"},
    {FieldType::kControl, "control"}, {FieldType::kList, "list"},         {FieldType::kEmail, "email"},
    {FieldType::kUrl, "url"},         {FieldType::kAttachment, "attachment"},
};

// Names a record's own properties use; fields may not take them (they share the API's objects and the
// list filter's query parameters).
const std::set<std::string> kReservedNames = {"id",      "state",  "version", "revision", "data",
                                              "archived", "q",      "cursor",  "limit",    "where",
                                              "next_review", "released"};
// Columns a list may show besides fields.
const std::set<std::string> kRecordColumns = {"id", "state", "next_review", "title", "updated_at", "revision"};

// A problem in one schema file, at the line of `node` (when it has one).
[[noreturn]] void Fail(std::string_view file, const YAML::Node& node, const std::string& msg,
                       std::vector<std::string> allowed = {}, const std::string& field = {}) {
    int line = 0;
    if (node.IsDefined() && node.Mark().line >= 0) line = node.Mark().line + 1;
    std::string where = line ? fmt::format("{} line {}", file, line) : std::string(file);
    std::string full = fmt::format("record schema {}: {}", where, msg);
    if (!allowed.empty()) {
        full += " (allowed: ";
        for (size_t i = 0; i < allowed.size(); ++i) full += (i ? ", " : "") + allowed[i];
        full += ")";
    }
    throw Error::InvalidInput(full, {{field, msg, std::move(allowed), line}});
}

std::string Humanise(const std::string& name) {
    std::string s = name;
    std::replace(s.begin(), s.end(), '_', ' ');
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

bool ValidName(const std::string& s) {
    if (s.empty() || s.size() > 64 || !std::islower(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    });
}

// Reads mapping keys strictly: a key the schema language does not know is an error (a typo such as
// "requried" must not silently do nothing).
void OnlyKeys(std::string_view file, const YAML::Node& map, std::initializer_list<std::string_view> keys,
              const std::string& where) {
    if (!map.IsMap()) Fail(file, map, where + " must be a mapping");
    for (const auto& kv : map) {
        auto k = kv.first.as<std::string>();
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
            std::vector<std::string> allowed(keys.begin(), keys.end());
            Fail(file, kv.first, fmt::format("unknown key '{}' in {}", k, where), allowed);
        }
    }
}

std::string Str(std::string_view file, const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) Fail(file, n, what + " must be a text value");
    return n.as<std::string>();
}

bool Bool(std::string_view file, const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) Fail(file, n, what + " must be true or false");
    try {
        return n.as<bool>();
    } catch (const YAML::Exception&) {
        Fail(file, n, what + " must be true or false");
    }
}

double Number(std::string_view file, const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) Fail(file, n, what + " must be a number");
    try {
        return n.as<double>();
    } catch (const YAML::Exception&) {
        Fail(file, n, what + " must be a number");
    }
}

// A scalar or a sequence of scalars.
std::vector<std::string> StrList(std::string_view file, const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    if (!n.IsDefined() || n.IsNull()) return out;
    if (n.IsScalar()) return {n.as<std::string>()};
    if (!n.IsSequence()) Fail(file, n, what + " must be a list");
    for (const auto& item : n) out.push_back(Str(file, item, what));
    return out;
}

Json YamlToJson(const YAML::Node& n) {
    if (n.IsNull() || !n.IsDefined()) return nullptr;
    if (n.IsSequence()) {
        Json a = Json::array();
        for (const auto& item : n) a.push_back(YamlToJson(item));
        return a;
    }
    if (n.IsMap()) {
        Json o = Json::object();
        for (const auto& kv : n) o[kv.first.as<std::string>()] = YamlToJson(kv.second);
        return o;
    }
    // Plain scalars keep their YAML meaning (true, 3, 2.5); quoted ones are text.
    auto s = n.as<std::string>();
    if (n.Tag() == "?") {
        if (s == "true" || s == "True" || s == "yes") return true;
        if (s == "false" || s == "False" || s == "no") return false;
        try {
            size_t pos = 0;
            long long i = std::stoll(s, &pos);
            if (pos == s.size()) return static_cast<int64_t>(i);
            double d = std::stod(s, &pos);
            if (pos == s.size()) return d;
        } catch (const std::exception&) {
        }
    }
    return s;
}

FieldType ParseTypeOrFail(std::string_view file, const YAML::Node& n, const std::string& field) {
    auto name = Str(file, n, fmt::format("the type of field '{}'", field));
    auto t = ParseFieldType(name);
    if (!t) Fail(file, n, fmt::format("field '{}': unknown type '{}'", field, name), FieldTypeNames(), field);
    return *t;
}

FieldDef ParseField(std::string_view file, const YAML::Node& n, const std::set<std::string>& seen) {
    OnlyKeys(file, n, {"name", "label", "help", "type", "of", "to", "values", "required", "unique", "default", "min",
                       "max"},
             "a field");
    if (!n["name"]) Fail(file, n, "a field needs a name");
    FieldDef f;
    f.name = Str(file, n["name"], "a field name");
    if (!ValidName(f.name))
        Fail(file, n["name"], fmt::format("field name '{}' must be lower_snake_case (a-z, 0-9, _)", f.name));
    if (kReservedNames.count(f.name))
        Fail(file, n["name"], fmt::format("field name '{}' is reserved for the record itself", f.name),
             std::vector<std::string>(kReservedNames.begin(), kReservedNames.end()), f.name);
    if (seen.count(f.name)) Fail(file, n["name"], fmt::format("duplicate field '{}'", f.name), {}, f.name);
    f.label = n["label"] ? Str(file, n["label"], "label") : Humanise(f.name);
    if (n["help"]) f.help = Str(file, n["help"], "help");
    if (!n["type"]) Fail(file, n, fmt::format("field '{}' needs a type", f.name), FieldTypeNames(), f.name);
    f.type = ParseTypeOrFail(file, n["type"], f.name);
    f.item_type = f.type;
    if (f.type == FieldType::kList) {
        if (!n["of"]) Fail(file, n, fmt::format("list field '{}' needs 'of' (the type of its items)", f.name),
                           FieldTypeNames(), f.name);
        f.item_type = ParseTypeOrFail(file, n["of"], f.name);
        if (f.item_type == FieldType::kList) Fail(file, n["of"], fmt::format("field '{}': lists of lists are not "
                                                                             "supported", f.name));
    } else if (n["of"]) {
        Fail(file, n["of"], fmt::format("field '{}': 'of' is only for lists", f.name));
    }
    if (f.item_type == FieldType::kPerson) f.link_type = "person";
    if (f.item_type == FieldType::kRole) f.link_type = "role";
    if (f.item_type == FieldType::kLink) {
        if (!n["to"]) Fail(file, n, fmt::format("link field '{}' needs 'to' (the record type it links to)", f.name),
                           {}, f.name);
        f.link_type = Str(file, n["to"], "to");
    } else if (n["to"]) {
        Fail(file, n["to"], fmt::format("field '{}': 'to' is only for links", f.name));
    }
    if (f.item_type == FieldType::kEnum) {
        f.values = StrList(file, n["values"], "values");
        if (f.values.empty())
            Fail(file, n["values"].IsDefined() ? n["values"] : n,
                 fmt::format("enum field '{}' needs 'values' (a non-empty list)", f.name), {}, f.name);
        std::set<std::string> uniq(f.values.begin(), f.values.end());
        if (uniq.size() != f.values.size())
            Fail(file, n["values"], fmt::format("enum field '{}' lists a value twice", f.name), {}, f.name);
    } else if (n["values"]) {
        Fail(file, n["values"], fmt::format("field '{}': 'values' is only for enums", f.name));
    }
    if (n["required"]) f.required = Bool(file, n["required"], "required");
    if (n["unique"]) {
        f.unique = Bool(file, n["unique"], "unique");
        if (f.unique && (f.IsList() || f.type == FieldType::kBoolean || f.type == FieldType::kMarkdown))
            Fail(file, n["unique"], fmt::format("field '{}': only single text-like, number or link fields can be "
                                                "unique", f.name));
    }
    if (n["min"]) f.min = Number(file, n["min"], "min");
    if (n["max"]) f.max = Number(file, n["max"], "max");
    if (f.min && f.max && *f.min > *f.max)
        Fail(file, n["min"], fmt::format("field '{}': min is greater than max", f.name), {}, f.name);
    if (n["default"]) {
        f.default_value = YamlToJson(n["default"]);
        std::vector<ErrorDetail> problems;
        Json v = f.default_value;
        CheckValue(f, v, problems);
        if (!problems.empty())
            Fail(file, n["default"], fmt::format("field '{}': the default {}", f.name, problems.front().message),
                 problems.front().allowed, f.name);
        if (f.IsRecordLink() || f.item_type == FieldType::kControl || f.item_type == FieldType::kAttachment)
            Fail(file, n["default"], fmt::format("field '{}': links cannot have a default", f.name));
        f.default_value = v;
    }
    return f;
}

// Permissions are named as in docs/security.md ("records.approve").
Permission ParsePermissionNode(std::string_view file, const YAML::Node& n) {
    auto p = Str(file, n, "permission");
    std::vector<std::string> names;
    for (auto candidate : AllPermissions()) {
        names.emplace_back(PermissionName(candidate));
        if (PermissionName(candidate) == p) return candidate;
    }
    Fail(file, n, fmt::format("unknown permission '{}'", p), names);
}

void ParseWorkflow(std::string_view file, const YAML::Node& n, RecordType& t) {
    if (!n.IsDefined() || n.IsNull()) {
        // Types without a workflow have one state.
        t.workflow.initial = "recorded";
        t.workflow.states = {{"recorded", "Recorded"}};
        return;
    }
    OnlyKeys(file, n, {"initial", "states", "transitions"}, "workflow");
    if (!n["states"] || !n["states"].IsSequence() || n["states"].size() == 0)
        Fail(file, n, "workflow needs 'states' (a non-empty list)");
    std::set<std::string> names;
    for (const auto& s : n["states"]) {
        State st;
        if (s.IsScalar()) {
            st.name = s.as<std::string>();
        } else {
            OnlyKeys(file, s, {"name", "label"}, "a state");
            if (!s["name"]) Fail(file, s, "a state needs a name");
            st.name = Str(file, s["name"], "state name");
            if (s["label"]) st.label = Str(file, s["label"], "label");
        }
        if (!ValidName(st.name)) Fail(file, s, fmt::format("state '{}' must be lower_snake_case", st.name));
        if (!names.insert(st.name).second) Fail(file, s, fmt::format("duplicate state '{}'", st.name));
        if (st.label.empty()) st.label = Humanise(st.name);
        t.workflow.states.push_back(st);
    }
    std::vector<std::string> state_names(names.begin(), names.end());
    t.workflow.initial = n["initial"] ? Str(file, n["initial"], "initial") : t.workflow.states.front().name;
    if (!names.count(t.workflow.initial))
        Fail(file, n["initial"], fmt::format("initial state '{}' is not one of the states", t.workflow.initial),
             state_names);
    std::set<std::string> transition_names;
    if (n["transitions"]) {
        if (!n["transitions"].IsSequence()) Fail(file, n["transitions"], "transitions must be a list");
        for (const auto& tn : n["transitions"]) {
            OnlyKeys(file, tn, {"name", "label", "from", "to", "permission", "roles", "approval", "requires", "by"},
                     "a transition");
            Transition tr;
            if (!tn["name"] || !tn["to"]) Fail(file, tn, "a transition needs a name and 'to'");
            tr.name = Str(file, tn["name"], "transition name");
            if (!ValidName(tr.name)) Fail(file, tn["name"], fmt::format("transition '{}' must be lower_snake_case",
                                                                        tr.name));
            if (!transition_names.insert(tr.name).second)
                Fail(file, tn["name"], fmt::format("duplicate transition '{}'", tr.name));
            tr.label = tn["label"] ? Str(file, tn["label"], "label") : Humanise(tr.name);
            tr.to = Str(file, tn["to"], "to");
            if (!names.count(tr.to))
                Fail(file, tn["to"], fmt::format("transition '{}' goes to an unknown state '{}'", tr.name, tr.to),
                     state_names);
            tr.from = StrList(file, tn["from"], "from");
            if (tr.from.size() == 1 && tr.from[0] == "*") tr.from = state_names;
            if (tr.from.empty()) Fail(file, tn, fmt::format("transition '{}' needs 'from' (a state, a list or *)",
                                                            tr.name));
            for (const auto& f : tr.from)
                if (!names.count(f))
                    Fail(file, tn["from"], fmt::format("transition '{}' starts from an unknown state '{}'", tr.name, f),
                         state_names);
            if (tn["permission"]) tr.permission = ParsePermissionNode(file, tn["permission"]);
            for (const auto& r : StrList(file, tn["roles"], "roles")) {
                auto role = ParseRole(r);
                if (!role) Fail(file, tn["roles"], fmt::format("unknown role '{}'", r), RoleNames());
                tr.roles.push_back(*role);
            }
            if (tn["approval"]) tr.approval = Bool(file, tn["approval"], "approval");
            tr.requires_fields = StrList(file, tn["requires"], "requires");
            if (tn["by"]) tr.by_field = Str(file, tn["by"], "by");
            t.workflow.transitions.push_back(std::move(tr));
        }
    }
}

void CheckFieldRef(std::string_view file, const YAML::Node& n, const RecordType& t, const std::string& name,
                   std::initializer_list<FieldType> types, const std::string& what) {
    const FieldDef* f = t.Field(name);
    if (!f) Fail(file, n, fmt::format("{} '{}' is not a field of {}", what, name, t.name), t.FieldNames());
    if (types.size() && std::find(types.begin(), types.end(), f->type) == types.end()) {
        std::vector<std::string> allowed;
        for (auto ty : types) allowed.emplace_back(FieldTypeName(ty));
        Fail(file, n, fmt::format("{} '{}' has type {}", what, name, FieldTypeName(f->type)), allowed);
    }
}

}  // namespace

std::string_view FieldTypeName(FieldType t) {
    for (const auto& ft : kFieldTypes)
        if (ft.type == t) return ft.name;
    return "text";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
    for (const auto& ft : kFieldTypes)
        if (ft.name == name) return ft.type;
    return std::nullopt;
}

std::vector<std::string> FieldTypeNames() {
    std::vector<std::string> out;
    for (const auto& ft : kFieldTypes) out.emplace_back(ft.name);
    return out;
}

std::optional<Period> ParsePeriod(std::string_view s) {
    if (s.size() < 3 || s[0] != 'P') return std::nullopt;
    Period p;
    p.text = std::string(s);
    size_t i = 1;
    bool any = false;
    while (i < s.size()) {
        size_t j = i;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        if (j == i || j == s.size() || j - i > 4) return std::nullopt;
        int n = std::stoi(std::string(s.substr(i, j - i)));
        switch (s[j]) {
            case 'Y': p.years += n; break;
            case 'M': p.months += n; break;
            case 'W': p.days += 7 * n; break;
            case 'D': p.days += n; break;
            default: return std::nullopt;
        }
        any = any || n > 0;
        i = j + 1;
    }
    if (!any) return std::nullopt;
    return p;
}

std::chrono::sys_days AddPeriod(std::chrono::sys_days d, const Period& p) {
    using namespace std::chrono;
    year_month_day ymd{d};
    int total_months = static_cast<int>(unsigned(ymd.month())) - 1 + p.months + 12 * p.years;
    int y = int(ymd.year()) + total_months / 12;
    int m = total_months % 12;
    if (m < 0) {
        m += 12;
        --y;
    }
    year_month_day_last last{year{y}, month_day_last{month{static_cast<unsigned>(m + 1)}}};
    unsigned day = std::min(unsigned(ymd.day()), unsigned(last.day()));
    sys_days out{year_month_day{year{y}, month{static_cast<unsigned>(m + 1)}, std::chrono::day{day}}};
    return out + days{p.days};
}

const FieldDef* RecordType::Field(std::string_view n) const {
    for (const auto& f : fields)
        if (f.name == n) return &f;
    return nullptr;
}

const State* RecordType::FindState(std::string_view n) const {
    for (const auto& s : workflow.states)
        if (s.name == n) return &s;
    return nullptr;
}

const Transition* RecordType::FindTransition(std::string_view n) const {
    for (const auto& t : workflow.transitions)
        if (t.name == n) return &t;
    return nullptr;
}

std::vector<std::string> RecordType::FieldNames() const {
    std::vector<std::string> out;
    for (const auto& f : fields) out.push_back(f.name);
    return out;
}

std::vector<std::string> RecordType::StateNames() const {
    std::vector<std::string> out;
    for (const auto& s : workflow.states) out.push_back(s.name);
    return out;
}

bool RecordType::IsLocked(std::string_view state) const {
    return std::find(versioning.locked_states.begin(), versioning.locked_states.end(), state) !=
           versioning.locked_states.end();
}

RecordType TypeRegistry::ParseSchema(std::string_view file, std::string_view text) {
    YAML::Node root;
    try {
        CheckYamlNesting(text, fmt::format("record schema {}", file));
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw Error::InvalidInput(fmt::format("record schema {} line {}: not valid YAML: {}", file, e.mark.line + 1,
                                              e.msg),
                                  {{"", e.msg, {}, e.mark.line + 1, e.mark.column + 1}});
    }
    if (!root.IsMap()) Fail(file, root, "a schema must be a mapping with name, title, fields, …");
    OnlyKeys(file, root,
             {"name", "title", "plural", "clause", "description", "id_prefix", "title_field", "fields", "workflow",
              "versioning", "review", "acknowledgements", "list_columns", "backlinks", "permission"},
             "the schema");
    RecordType t;
    t.source = std::string(file);
    if (!root["name"]) Fail(file, root, "the schema needs a name");
    t.name = Str(file, root["name"], "name");
    if (!ValidName(t.name)) Fail(file, root["name"], fmt::format("type name '{}' must be lower_snake_case", t.name));
    t.title = root["title"] ? Str(file, root["title"], "title") : Humanise(t.name);
    t.plural = root["plural"] ? Str(file, root["plural"], "plural") : t.title + "s";
    t.clauses = StrList(file, root["clause"], "clause");
    if (root["description"]) t.description = Str(file, root["description"], "description");
    while (!t.description.empty() && std::isspace(static_cast<unsigned char>(t.description.back())))
        t.description.pop_back();
    t.id_prefix = root["id_prefix"] ? Str(file, root["id_prefix"], "id_prefix") : "";
    if (t.id_prefix.empty()) {
        for (char c : t.name.substr(0, 3)) t.id_prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    for (char c : t.id_prefix)
        if (!std::isupper(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)))
            Fail(file, root["id_prefix"], "id_prefix must be upper-case letters and digits");

    auto fields = root["fields"];
    if (!fields || !fields.IsSequence() || fields.size() == 0)
        Fail(file, fields.IsDefined() ? fields : root, "the schema needs 'fields' (a non-empty list)");
    std::set<std::string> seen;
    for (const auto& fn : fields) {
        t.fields.push_back(ParseField(file, fn, seen));
        seen.insert(t.fields.back().name);
    }

    if (!root["title_field"]) Fail(file, root, "the schema needs 'title_field' (the field that names a record)");
    t.title_field = Str(file, root["title_field"], "title_field");
    CheckFieldRef(file, root["title_field"], t, t.title_field,
                  {FieldType::kText, FieldType::kEmail, FieldType::kUrl, FieldType::kEnum, FieldType::kDate},
                  "title_field");

    if (root["permission"]) t.write_permission = ParsePermissionNode(file, root["permission"]);
    ParseWorkflow(file, root["workflow"], t);
    auto states = t.StateNames();
    for (const auto& tr : t.workflow.transitions)
        for (const auto& rf : tr.requires_fields)
            if (!t.Field(rf))
                Fail(file, root["workflow"], fmt::format("transition '{}' requires an unknown field '{}'", tr.name, rf),
                     t.FieldNames());
    for (const auto& tr : t.workflow.transitions)
        if (!tr.by_field.empty())
            CheckFieldRef(file, root["workflow"], t, tr.by_field, {FieldType::kPerson},
                          fmt::format("transition '{}' is made by", tr.name));

    if (auto v = root["versioning"]; v.IsDefined()) {
        OnlyKeys(file, v, {"locked_states", "draft_state", "approved_on_field", "approved_by_field"}, "versioning");
        t.versioning.locked_states = StrList(file, v["locked_states"], "locked_states");
        if (t.versioning.locked_states.empty()) Fail(file, v, "versioning needs 'locked_states'");
        for (const auto& s : t.versioning.locked_states)
            if (!t.FindState(s)) Fail(file, v["locked_states"], fmt::format("locked state '{}' is not a state", s),
                                      states);
        t.versioning.draft_state = v["draft_state"] ? Str(file, v["draft_state"], "draft_state") : t.workflow.initial;
        if (!t.FindState(t.versioning.draft_state) || t.IsLocked(t.versioning.draft_state))
            Fail(file, v["draft_state"], fmt::format("draft_state '{}' must be a state that is not locked",
                                                     t.versioning.draft_state),
                 states);
        if (v["approved_on_field"]) {
            t.versioning.approved_on_field = Str(file, v["approved_on_field"], "approved_on_field");
            CheckFieldRef(file, v["approved_on_field"], t, t.versioning.approved_on_field, {FieldType::kDate},
                          "approved_on_field");
        }
        if (v["approved_by_field"]) {
            t.versioning.approved_by_field = Str(file, v["approved_by_field"], "approved_by_field");
            CheckFieldRef(file, v["approved_by_field"], t, t.versioning.approved_by_field, {FieldType::kText},
                          "approved_by_field");
        }
    }

    if (auto r = root["review"]; r.IsDefined()) {
        OnlyKeys(file, r, {"interval", "interval_field", "base_field", "due_field", "states"}, "review");
        if (r["interval"]) {
            auto s = Str(file, r["interval"], "interval");
            t.review.interval = ParsePeriod(s);
            if (!t.review.interval)
                Fail(file, r["interval"], fmt::format("interval '{}' is not an ISO 8601 period such as P12M, P1Y, "
                                                      "P6W or P30D", s));
        }
        if (r["interval_field"]) {
            t.review.interval_field = Str(file, r["interval_field"], "interval_field");
            CheckFieldRef(file, r["interval_field"], t, t.review.interval_field, {FieldType::kText, FieldType::kEnum},
                          "interval_field");
        }
        if (r["base_field"]) {
            t.review.base_field = Str(file, r["base_field"], "base_field");
            CheckFieldRef(file, r["base_field"], t, t.review.base_field, {FieldType::kDate}, "base_field");
        }
        if (r["due_field"]) {
            t.review.due_field = Str(file, r["due_field"], "due_field");
            CheckFieldRef(file, r["due_field"], t, t.review.due_field, {FieldType::kDate}, "due_field");
        }
        t.review.states = StrList(file, r["states"], "states");
        for (const auto& s : t.review.states)
            if (!t.FindState(s)) Fail(file, r["states"], fmt::format("review state '{}' is not a state", s), states);
        if (!t.review.enabled()) Fail(file, r, "review needs an 'interval' or a 'due_field'");
    }

    if (auto a = root["acknowledgements"]; a.IsDefined()) {
        if (a.IsScalar()) {
            t.acknowledgements.enabled = Bool(file, a, "acknowledgements");
        } else {
            OnlyKeys(file, a, {"label", "states", "audience_field"}, "acknowledgements");
            t.acknowledgements.enabled = true;
            if (a["label"]) t.acknowledgements.label = Str(file, a["label"], "label");
            t.acknowledgements.states = StrList(file, a["states"], "states");
            for (const auto& s : t.acknowledgements.states)
                if (!t.FindState(s))
                    Fail(file, a["states"], fmt::format("acknowledgement state '{}' is not a state", s), states);
            if (a["audience_field"]) {
                t.acknowledgements.audience_field = Str(file, a["audience_field"], "audience_field");
                const FieldDef* f = t.Field(t.acknowledgements.audience_field);
                if (!f || (f->item_type != FieldType::kPerson && f->item_type != FieldType::kRole))
                    Fail(file, a["audience_field"],
                         fmt::format("audience_field '{}' must be a person or role field (or a list of them)",
                                     t.acknowledgements.audience_field));
            }
        }
    }

    if (root["list_columns"]) {
        t.list_columns = StrList(file, root["list_columns"], "list_columns");
        for (const auto& c : t.list_columns)
            if (!t.Field(c) && !kRecordColumns.count(c)) {
                auto allowed = t.FieldNames();
                allowed.insert(allowed.end(), kRecordColumns.begin(), kRecordColumns.end());
                Fail(file, root["list_columns"], fmt::format("list column '{}' is neither a field nor one of the "
                                                             "record's own columns", c),
                     allowed);
            }
    } else {
        t.list_columns = {"id", t.title_field, "state"};
    }

    if (auto b = root["backlinks"]; b.IsDefined()) {
        if (!b.IsSequence()) Fail(file, b, "backlinks must be a list");
        for (const auto& bn : b) {
            OnlyKeys(file, bn, {"type", "field", "label"}, "a backlink");
            if (!bn["type"] || !bn["field"]) Fail(file, bn, "a backlink needs 'type' and 'field'");
            Backlink bl{Str(file, bn["type"], "type"), Str(file, bn["field"], "field"), ""};
            bl.label = bn["label"] ? Str(file, bn["label"], "label") : Humanise(bl.type + "s");
            t.backlinks.push_back(bl);
        }
    }
    return t;
}

void TypeRegistry::Add(RecordType t) {
    if (Find(t.name))
        throw Error::InvalidInput(fmt::format("record schema {}: the type '{}' is already defined by {}", t.source,
                                              t.name, Find(t.name)->source));
    for (const auto& other : types_)
        if (other.id_prefix == t.id_prefix)
            throw Error::InvalidInput(fmt::format("record schema {}: id_prefix '{}' is already used by '{}' ({})",
                                                  t.source, t.id_prefix, other.name, other.source));
    types_.push_back(std::move(t));
}

void TypeRegistry::AddDirectory(const std::string& dir) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(dir)) throw Error::NotFound(fmt::format("record schema folder '{}' does not exist", dir));
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
        std::ifstream in(p, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), {});
        Add(ParseSchema(p.string(), text));
    }
}

void TypeRegistry::Finish() {
    std::vector<std::string> names;
    for (const auto& t : types_) names.push_back(t.name);
    for (const auto& t : types_) {
        for (const auto& f : t.fields) {
            if (!f.IsRecordLink()) continue;
            if (!Find(f.link_type))
                throw Error::InvalidInput(fmt::format("record schema {}: field '{}' links to an unknown record type "
                                                      "'{}'",
                                                      t.source, f.name, f.link_type),
                                          {{f.name, "unknown record type", names}});
        }
        for (const auto& b : t.backlinks) {
            const RecordType* other = Find(b.type);
            if (!other)
                throw Error::InvalidInput(
                    fmt::format("record schema {}: backlink from an unknown record type '{}'", t.source, b.type),
                    {{"backlinks", "unknown record type", names}});
            const FieldDef* f = other->Field(b.field);
            if (!f || !f->IsRecordLink() || f->link_type != t.name)
                throw Error::InvalidInput(fmt::format("record schema {}: backlink '{}.{}' is not a field of {} that "
                                                      "links to {}",
                                                      t.source, b.type, b.field, b.type, t.name));
        }
    }
}

TypeRegistry TypeRegistry::Builtin(const std::vector<std::string>& extra_dirs) {
    TypeRegistry r;
    for (const auto& f : isms_embedded_record_schemas())
        r.Add(ParseSchema("schemas/" + std::string(f.path), f.data));
    for (const auto& d : extra_dirs) r.AddDirectory(d);
    r.Finish();
    return r;
}

void TypeRegistry::AddRule(std::string_view type, RecordRule rule) {
    for (auto& t : types_)
        if (t.name == type) {
            t.rules.push_back(std::move(rule));
            return;
        }
    Get(type);  // throws kNotFound naming the known types
}

const RecordType* TypeRegistry::Find(std::string_view name) const {
    for (const auto& t : types_)
        if (t.name == name) return &t;
    return nullptr;
}

const RecordType& TypeRegistry::Get(std::string_view name) const {
    if (const auto* t = Find(name)) return *t;
    std::vector<std::string> names;
    for (const auto& t : types_) names.push_back(t.name);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw Error::NotFound(fmt::format("no record type '{}' (known: {})", name, list));
}

Json TypeMetadata(const RecordType& t) {
    Json fields = Json::array();
    for (const auto& f : t.fields) {
        Json j = {{"name", f.name},         {"label", f.label},       {"type", FieldTypeName(f.type)},
                  {"required", f.required}, {"unique", f.unique}};
        if (!f.help.empty()) j["help"] = f.help;
        if (f.IsList()) j["of"] = FieldTypeName(f.item_type);
        if (!f.values.empty()) j["values"] = f.values;
        if (!f.link_type.empty()) j["to"] = f.link_type;
        if (f.min) j["min"] = *f.min;
        if (f.max) j["max"] = *f.max;
        if (!f.default_value.is_null()) j["default"] = f.default_value;
        fields.push_back(j);
    }
    Json states = Json::array();
    for (const auto& s : t.workflow.states)
        states.push_back({{"name", s.name}, {"label", s.label}, {"locked", t.IsLocked(s.name)}});
    Json transitions = Json::array();
    for (const auto& tr : t.workflow.transitions) {
        Json j = {{"name", tr.name},
                  {"label", tr.label},
                  {"from", tr.from},
                  {"to", tr.to},
                  {"permission", PermissionName(tr.permission.value_or(t.write_permission))},
                  {"approval", tr.approval}};
        if (!tr.roles.empty()) {
            Json roles = Json::array();
            for (auto r : tr.roles) roles.push_back(RoleName(r));
            j["roles"] = roles;
        }
        if (!tr.requires_fields.empty()) j["requires"] = tr.requires_fields;
        if (!tr.by_field.empty()) j["by"] = tr.by_field;
        transitions.push_back(j);
    }
    Json meta = {{"name", t.name},
                 {"title", t.title},
                 {"plural", t.plural},
                 {"clauses", t.clauses},
                 {"description", t.description},
                 {"id_prefix", t.id_prefix},
                 {"title_field", t.title_field},
                 {"write_permission", PermissionName(t.write_permission)},
                 {"fields", fields},
                 {"workflow", {{"initial", t.workflow.initial}, {"states", states}, {"transitions", transitions}}},
                 {"list_columns", t.list_columns}};
    if (t.versioning.enabled()) {
        meta["versioning"] = {{"locked_states", t.versioning.locked_states},
                              {"draft_state", t.versioning.draft_state}};
        if (!t.versioning.approved_on_field.empty())
            meta["versioning"]["approved_on_field"] = t.versioning.approved_on_field;
    }
    if (t.review.enabled()) {
        Json r = Json::object();
        if (t.review.interval) r["interval"] = t.review.interval->text;
        if (!t.review.interval_field.empty()) r["interval_field"] = t.review.interval_field;
        if (!t.review.base_field.empty()) r["base_field"] = t.review.base_field;
        if (!t.review.due_field.empty()) r["due_field"] = t.review.due_field;
        if (!t.review.states.empty()) r["states"] = t.review.states;
        meta["review"] = r;
    }
    if (t.acknowledgements.enabled) {
        meta["acknowledgements"] = {{"label", t.acknowledgements.label}, {"states", t.acknowledgements.states}};
        if (!t.acknowledgements.audience_field.empty())
            meta["acknowledgements"]["audience_field"] = t.acknowledgements.audience_field;
    }
    if (!t.backlinks.empty()) {
        Json bl = Json::array();
        for (const auto& b : t.backlinks) bl.push_back({{"type", b.type}, {"field", b.field}, {"label", b.label}});
        meta["backlinks"] = bl;
    }
    return meta;
}

}  // namespace isms::records
