#include "isms/catalog/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace isms::catalog {

namespace {

using query::Join;

// Abbreviations for the narrow terminal table: the five ISO/IEC 27002 attribute families.
struct Abbrev {
    const char* family;
    const char* header;
    std::map<std::string, std::string> values;
    const char* legend;
};
const std::vector<Abbrev>& Abbreviations() {
    static const std::vector<Abbrev> k = {
        {"control_type",
         "type",
         {{"Preventive", "P"}, {"Detective", "D"}, {"Corrective", "C"}},
         "type: P preventive, D detective, C corrective"},
        {"security_properties",
         "CIA",
         {{"Confidentiality", "C"}, {"Integrity", "I"}, {"Availability", "A"}},
         "CIA: C confidentiality, I integrity, A availability"},
        {"cybersecurity_concepts",
         "concepts",
         {{"Identify", "ID"}, {"Protect", "PR"}, {"Detect", "DE"}, {"Respond", "RS"}, {"Recover", "RC"}},
         "concepts: ID identify, PR protect, DE detect, RS respond, RC recover"},
        {"operational_capabilities",
         "capabilities",
         {{"Governance", "Gov"},
          {"Asset_management", "Asset"},
          {"Information_protection", "InfoProt"},
          {"Human_resource_security", "HR"},
          {"Physical_security", "Phys"},
          {"System_and_network_security", "SysNet"},
          {"Application_security", "App"},
          {"Secure_configuration", "Config"},
          {"Identity_and_access_management", "IAM"},
          {"Threat_and_vulnerability_management", "Vuln"},
          {"Continuity", "Cont"},
          {"Supplier_relationships_security", "Supplier"},
          {"Legal_and_compliance", "Legal"},
          {"Information_security_event_management", "Event"},
          {"Information_security_assurance", "Assur"}},
         "capabilities: Gov governance, Asset asset management, InfoProt information protection, HR human resource "
         "security, Phys physical security, SysNet system and network security, App application security, Config "
         "secure configuration, IAM identity and access management, Vuln threat and vulnerability management, Cont "
         "continuity, Supplier supplier relationships security, Legal legal and compliance, Event information "
         "security event management, Assur information security assurance"},
        {"security_domains",
         "domains",
         {{"Governance_and_Ecosystem", "Gov"}, {"Protection", "Prot"}, {"Defence", "Def"}, {"Resilience", "Res"}},
         "domains: Gov governance and ecosystem, Prot protection, Def defence, Res resilience"},
    };
    return k;
}
const Abbrev* AbbrevOf(const std::string& family) {
    for (const auto& a : Abbreviations())
        if (family == a.family) return &a;
    return nullptr;
}


std::string Cell(const Control& c, const std::string& column, bool terminal, bool csv) {
    const auto& vals = c.Values(column);
    if (terminal) {
        if (const auto* a = AbbrevOf(column)) {
            query::Values shortened;
            for (const auto& v : vals) {
                auto it = a->values.find(v);
                shortened.push_back(it == a->values.end() ? v : it->second);
            }
            return Join(shortened, ",");
        }
    }
    if (column == "text") {
        // The imported parts as one cell: separated by a blank line in CSV, by " | " on one line otherwise.
        std::string out;
        for (const auto& name : TextFields())
            if (auto it = c.text.find(name); it != c.text.end())
                out += (out.empty() ? "" : csv ? "\n\n" : " | ") + it->second;
        return out;
    }
    return Join(vals, csv ? ";" : ", ");
}

std::string Header(const std::string& column, bool terminal) {
    if (terminal)
        if (const auto* a = AbbrevOf(column)) return a->header;
    return column;
}

std::string GroupLabel(const std::string& key) { return key.empty() ? "(none)" : key; }

}  // namespace

Json ControlJson(const Control& c, bool detail) {
    Json j = {{"id", c.id}, {"title", c.title}};
    if (auto it = c.attributes.find("theme"); it != c.attributes.end() && !it->second.empty())
        j["theme"] = it->second.front();
    if (auto it = c.attributes.find("new_in_2022"); it != c.attributes.end() && !it->second.empty())
        j["new_in_2022"] = it->second.front() == "true";
    Json attrs = Json::object();
    for (const auto& [k, v] : c.attributes) attrs[k] = v;
    j["attributes"] = attrs;
    j["overridden"] = !c.overridden_families.empty();
    Json preds = Json::array();
    for (const auto& p : c.predecessors) preds.push_back(detail ? Json{{"id", p.id}, {"title", p.title}} : Json(p.id));
    j["predecessors"] = preds;
    j["has_text"] = !c.text.empty();
    if (detail) {
        Json built = Json::object();
        for (const auto& [k, v] : c.built_in) built[k] = v;
        j["built_in_attributes"] = built;
        j["overridden_families"] = c.overridden_families;
        j["attributes_version"] = c.attributes_version;
        Json text = Json::object();
        for (const auto& [k, v] : c.text) text[k] = v;
        j["text"] = text;
        j["text_source"] = c.text.empty() ? Json(nullptr) : Json(c.text_source);
        j["text_updated_at"] = c.text.empty() ? Json(nullptr) : Json(c.text_updated_at);
        j["framework"] = c.framework_id;
        if (c.framework_id != kIso27002) {
            // The 2013 mapping is ISO/IEC 27002's; licensed text only when the organisation imported some.
            j.erase("predecessors");
            if (c.text.empty()) {
                for (const char* k : {"has_text", "text", "text_source", "text_updated_at"}) j.erase(k);
            }
            // An imported control's own content (OSCAL: class, params, props, links, parts).
            if (c.content.is_object())
                for (const char* k : {"class", "params", "props", "links", "parts"})
                    if (c.content.contains(k)) j[k] = c.content[k];
            if (std::string parent = c.First("parent"); !parent.empty()) j["parent"] = parent;
            Json enh = Json::array();
            for (const auto& [id, title] : c.enhancements) enh.push_back({{"id", id}, {"title", title}});
            j["enhancements"] = enh;
        }
    }
    return j;
}

namespace {
// Everything of ListJson but the controls.
Json ListHeaderJson(const ControlList& list) {
    const auto& sel = list.selection;
    Json j = {{"framework", list.snapshot->framework.id},
              {"where", query::ToString(sel.where)},
              {"sort", SortToString(sel.sort)},
              {"count", sel.items.size()},
              {"total", list.snapshot->controls.size()}};
    if (!sel.group_by.empty()) {
        j["group_by"] = sel.group_by;
        Json groups = Json::array();
        for (const auto& g : sel.groups) {
            Json ids = Json::array();
            for (size_t i : g.items) ids.push_back(list.at(i).id);
            groups.push_back({{"value", g.key}, {"count", g.items.size()}, {"controls", ids}});
        }
        j["groups"] = std::move(groups);
    }
    if (sel.pivot) {
        const Pivot& p = *sel.pivot;
        j["pivot"] = {{"rows", p.row_field},
                      {"columns", p.column_field},
                      {"row_values", p.row_values},
                      {"column_values", p.column_values},
                      {"cells", p.cells},
                      {"row_totals", p.row_totals},
                      {"column_totals", p.column_totals},
                      {"total", p.total}};
    }
    return j;
}
}  // namespace

Json ListJson(const ControlList& list) {
    Json j = ListHeaderJson(list);
    Json controls = Json::array();
    for (size_t i : list.selection.items) controls.push_back(ControlJson(list.at(i)));
    j["controls"] = std::move(controls);
    return j;
}

std::string ListJsonText(const ControlList& list) {
    std::string head = ListHeaderJson(list).dump(-1, ' ', false, Json::error_handler_t::replace);
    std::string out;
    size_t size = head.size() + 16;
    for (size_t i : list.selection.items) size += list.at(i).json.size() + 1;
    out.reserve(size);
    out.append(head, 0, head.size() - 1);  // without the closing brace
    out += ",\"controls\":[";
    bool first = true;
    for (size_t i : list.selection.items) {
        if (!first) out += ',';
        first = false;
        out += list.at(i).json;
    }
    out += "]}";
    return out;
}

Json FrameworkJson(const Framework& f) {
    return {{"id", f.id},           {"name", f.name},           {"version", f.version},
            {"source", f.source},   {"built_in", f.built_in},   {"controls", f.controls},
            {"data_hash", f.data_hash}, {"loaded_at", f.loaded_at}, {"attribute_families", FamiliesToJson(f.families)}};
}

Json TransitionJson(const Transition& t) {
    Json rows = Json::array();
    for (const auto& r : t.rows)
        rows.push_back(
            {{"id_2013", r.id_2013}, {"title_2013", r.title_2013}, {"id_2022", r.id_2022}, {"title_2022", r.title_2022}});
    return {{"query", t.query}, {"id", t.id}, {"direction", t.direction}, {"new_in_2022", t.new_in_2022},
            {"mapping", rows}};
}

Json VocabularyJson(const std::vector<VocabularyField>& fields) {
    Json arr = Json::array();
    for (const auto& f : fields) {
        Json values = Json::array();
        for (const auto& v : f.values) values.push_back({{"value", v.value}, {"count", v.count}});
        arr.push_back({{"name", f.spec.name},
                       {"description", f.spec.description},
                       {"free_text", f.spec.free_text},
                       {"multi_valued", f.spec.multi_valued},
                       {"overridable", f.overridable},
                       {"values", values}});
    }
    return {{"fields", arr}};
}

Json ViewJson(const SavedView& v) {
    return {{"name", v.name},         {"framework", v.framework}, {"description", v.description},
            {"where", v.where},       {"sort", v.sort},           {"group_by", v.group_by},
            {"pivot", v.pivot},       {"columns", v.columns},     {"created_by", v.created_by},
            {"updated_at", v.updated_at}, {"version", v.version}};
}

std::vector<std::string> DefaultColumns(const CatalogSnapshot& s, bool terminal) {
    std::vector<std::string> out;
    auto has = [&](const std::string& name) { return s.vocabulary.Find(name) != nullptr; };
    if (terminal) {
        for (const char* c : {"id", "theme", "title"})
            if (has(c)) out.push_back(c);
        for (const auto& a : Abbreviations())
            if (has(a.family)) out.push_back(a.family);
        if (out.size() <= 3)  // a framework without the ISO families: show its first few
            for (const auto& f : s.framework.families)
                if (out.size() < 6 && std::find(out.begin(), out.end(), f.name) == out.end()) out.push_back(f.name);
        return out;
    }
    for (const auto& f : s.vocabulary.fields())
        if (f.name != "text") out.push_back(f.name);
    return out;
}

std::string ControlsLegend(const CatalogSnapshot& s) {
    std::string out;
    for (const auto& a : Abbreviations())
        if (s.vocabulary.Find(a.family)) out += std::string(out.empty() ? "" : "\n") + a.legend;
    return out;
}

io::Table ControlsTable(const ControlList& list, const std::vector<size_t>& indices,
                        const std::vector<std::string>& columns, bool terminal, bool csv) {
    io::Table t;
    for (const auto& c : columns) t.columns.push_back(Header(c, terminal));
    for (size_t i : indices) {
        std::vector<std::string> row;
        for (const auto& c : columns) row.push_back(Cell(list.at(i), c, terminal, csv));
        t.rows.push_back(std::move(row));
    }
    return t;
}

io::Table GroupedTable(const ControlList& list, const std::vector<std::string>& columns, bool csv) {
    io::Table t;
    t.columns.push_back("group");
    for (const auto& c : columns) t.columns.push_back(c);
    for (const auto& g : list.selection.groups)
        for (size_t i : g.items) {
            std::vector<std::string> row{GroupLabel(g.key)};
            for (const auto& c : columns) row.push_back(Cell(list.at(i), c, false, csv));
            t.rows.push_back(std::move(row));
        }
    return t;
}

io::Table GroupCountsTable(const ControlList& list) {
    io::Table t{{list.selection.group_by, "count"}, {}};
    for (const auto& g : list.selection.groups) t.rows.push_back({GroupLabel(g.key), std::to_string(g.items.size())});
    return t;
}

io::Table PivotTable(const Pivot& p) {
    io::Table t;
    t.columns.push_back(p.row_field + " \\ " + p.column_field);
    for (const auto& c : p.column_values) t.columns.push_back(GroupLabel(c));
    t.columns.push_back("total");
    for (size_t r = 0; r < p.row_values.size(); ++r) {
        std::vector<std::string> row{GroupLabel(p.row_values[r])};
        for (int n : p.cells[r]) row.push_back(std::to_string(n));
        row.push_back(std::to_string(p.row_totals[r]));
        t.rows.push_back(std::move(row));
    }
    std::vector<std::string> total{"total"};
    for (int n : p.column_totals) total.push_back(std::to_string(n));
    total.push_back(std::to_string(p.total));
    t.rows.push_back(std::move(total));
    return t;
}

namespace {

std::string Str(const Json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; }

// A parameter as a reader sees it in prose: its values, else "[Assignment: label]" or "[Selection: a; b]".
std::string ParamText(const Json& p) {
    if (p.contains("values") && p["values"].is_array() && !p["values"].empty()) {
        std::vector<std::string> v;
        for (const auto& x : p["values"]) v.push_back(x.get<std::string>());
        return Join(v, ", ");
    }
    if (p.contains("select")) {
        std::vector<std::string> v;
        for (const auto& x : p["select"].value("choice", Json::array())) v.push_back(x.is_string() ? x.get<std::string>() : x.dump());
        bool many = p["select"].value("how-many", "") == "one-or-more";
        return fmt::format("[Selection{}: {}]", many ? " (one or more)" : "", Join(v, "; "));
    }
    return "[Assignment: " + Str(p, "label") + "]";
}

// Prose with "{{ insert: param, id }}" replaced by the parameter as ParamText shows it.
std::string WithParams(std::string prose, const std::map<std::string, std::string>& params) {
    for (size_t at = prose.find("{{"); at != std::string::npos; at = prose.find("{{", at + 1)) {
        size_t end = prose.find("}}", at);
        if (end == std::string::npos) break;
        std::string inner = prose.substr(at + 2, end - at - 2);
        size_t comma = inner.rfind(',');
        if (inner.find("insert") == std::string::npos || comma == std::string::npos) continue;
        std::string id = inner.substr(comma + 1);
        id.erase(0, id.find_first_not_of(' '));
        id.erase(id.find_last_not_of(' ') + 1);
        auto it = params.find(id);
        prose.replace(at, end + 2 - at, it == params.end() ? "[" + id + "]" : it->second);
    }
    return prose;
}

// A part and its sub-parts as indented lines, each item with its label ("a.", "1.").
void PartText(const Json& part, const std::map<std::string, std::string>& params, int depth, std::string& out) {
    std::string label;
    for (const auto& p : part.value("props", Json::array()))
        if (Str(p, "name") == "label") label = Str(p, "value");
    std::string line = Str(part, "title");
    std::string prose = WithParams(Str(part, "prose"), params);
    if (!prose.empty()) line += (line.empty() ? "" : ": ") + prose;
    if (!label.empty() || !line.empty()) {
        out += (out.empty() ? "" : "\n") + std::string(depth * 2, ' ') + label + (label.empty() ? "" : " ") + line;
        ++depth;
    }
    for (const auto& sub : part.value("parts", Json::array())) PartText(sub, params, depth, out);
}

// Rows for an imported control's content: class, parent, enhancements, props, parameters, parts, links.
void ContentRows(const Control& c, io::Table& t) {
    const Json& k = c.content;
    if (!k.is_object()) return;
    if (!Str(k, "class").empty()) t.rows.push_back({"class", Str(k, "class")});
    if (!c.First("parent").empty()) t.rows.push_back({"parent", c.First("parent")});
    if (!c.enhancements.empty()) {
        std::vector<std::string> v;
        for (const auto& [id, title] : c.enhancements) v.push_back(id + " " + title);
        t.rows.push_back({"enhancements", Join(v, "; ")});
    }
    for (const auto& p : k.value("props", Json::array()))
        t.rows.push_back({"prop " + Str(p, "name"), Str(p, "value")});
    std::map<std::string, std::string> params;
    for (const auto& p : k.value("params", Json::array())) {
        params[Str(p, "id")] = ParamText(p);
        t.rows.push_back({"param " + Str(p, "id"), ParamText(p)});
    }
    for (const auto& part : k.value("parts", Json::array())) {
        std::string text;
        PartText(part, params, 0, text);
        t.rows.push_back({Str(part, "name").empty() ? "part" : Str(part, "name"), text});
    }
    std::vector<std::string> links;
    for (const auto& l : k.value("links", Json::array()))
        links.push_back(Str(l, "href") + (Str(l, "rel").empty() ? "" : " (" + Str(l, "rel") + ")"));
    if (!links.empty()) t.rows.push_back({"links", Join(links, ", ")});
}

}  // namespace

io::Table ControlDetailTable(const Control& c, const Framework& f) {
    io::Table t{{"field", "value"}, {}};
    t.rows.push_back({"id", c.id});
    t.rows.push_back({"title", c.title});
    for (const auto& fam : f.families) {
        auto it = c.attributes.find(fam.name);
        std::string v = it == c.attributes.end() ? "" : Join(it->second, ", ");
        if (std::find(c.overridden_families.begin(), c.overridden_families.end(), fam.name) !=
            c.overridden_families.end()) {
            auto b = c.built_in.find(fam.name);
            v += fmt::format("   (overridden; standard: {})", b == c.built_in.end() ? "" : Join(b->second, ", "));
        }
        t.rows.push_back({fam.name, v});
    }
    if (f.id == kIso27002) {
        std::string preds;
        for (const auto& p : c.predecessors) preds += (preds.empty() ? "" : "; ") + p.id + " " + p.title;
        t.rows.push_back({"predecessors_2013", preds.empty() ? "(none)" : preds});
    } else {
        ContentRows(c, t);
    }
    for (const auto& name : TextFields())
        if (auto it = c.text.find(name); it != c.text.end()) t.rows.push_back({name, it->second});
    if (!c.text.empty()) t.rows.push_back({"text_source", c.text_source + " (" + c.text_updated_at + ")"});
    return t;
}

io::Table TransitionTable(const Transition& t) {
    io::Table out{{"id_2013", "title_2013", "id_2022", "title_2022"}, {}};
    for (const auto& r : t.rows) out.rows.push_back({r.id_2013, r.title_2013, r.id_2022, r.title_2022});
    return out;
}

io::Table VocabularyTable(const std::vector<VocabularyField>& fields) {
    io::Table t{{"field", "values"}, {}};
    for (const auto& f : fields) {
        std::string v;
        if (f.spec.free_text) {
            v = "(free text)";
        } else {
            for (const auto& x : f.values) v += (v.empty() ? "" : ", ") + fmt::format("{} ({})", x.value, x.count);
        }
        t.rows.push_back({f.spec.name, v});
    }
    return t;
}

io::Table FrameworksTable(const std::vector<Framework>& frameworks) {
    io::Table t{{"id", "name", "version", "controls", "source", "loaded_at"}, {}};
    for (const auto& f : frameworks)
        t.rows.push_back({f.id, f.name, f.version, std::to_string(f.controls), f.source, f.loaded_at});
    return t;
}

io::Table ViewsTable(const std::vector<SavedView>& views) {
    io::Table t{{"name", "where", "sort", "group_by", "pivot", "description"}, {}};
    for (const auto& v : views) t.rows.push_back({v.name, v.where, v.sort, v.group_by, v.pivot, v.description});
    return t;
}

}  // namespace isms::catalog
