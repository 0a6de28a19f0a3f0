#include "isms/oscal/metaschema.hpp"

#include "isms/core/embedded.hpp"
#include "isms/core/error.hpp"
#include "isms/core/json.hpp"

ISMS_DECLARE_EMBEDDED(oscal_data)

namespace isms::oscal::metaschema {

namespace {

ValueKind KindOf(const std::string& datatype, const Json& kinds) {
    if (datatype == "MarkupLineDatatype") return ValueKind::kMarkupLine;
    if (datatype == "MarkupMultilineDatatype") return ValueKind::kMarkupMultiline;
    auto it = kinds.find(datatype);
    std::string k = it == kinds.end() ? "string" : it->get<std::string>();
    if (k == "integer") return ValueKind::kInteger;
    if (k == "boolean") return ValueKind::kBoolean;
    if (k == "number") return ValueKind::kNumber;
    return ValueKind::kString;
}

Table Load() {
    auto data = embedded::Find(isms_embedded_oscal_data(), "metaschema.json");
    if (!data) throw Error::Internal("the OSCAL metaschema table is not embedded");
    Json j = Json::parse(*data);
    Table t;
    t.oscal_version = j.at("oscal_version");
    const Json& kinds = j.at("datatypes");
    // Two passes: create every definition, then link model items to them (the map's nodes are stable).
    for (auto& [id, d] : j.at("defs").items()) {
        Def def;
        def.id = id;
        def.assembly = d.at("kind") == "assembly";
        for (const auto& f : d.at("flags"))
            def.flags.push_back({f[0], f[1], KindOf(f[1], kinds), f[2].get<bool>()});
        if (!def.assembly) {
            def.datatype = d.at("type");
            def.kind = KindOf(def.datatype, kinds);
            def.value_key = d.value("value_key", "");
        }
        t.defs.emplace(id, std::move(def));
    }
    for (auto& [id, d] : j.at("defs").items()) {
        Def& def = t.defs.at(id);
        for (const auto& m : d.value("model", Json::array())) {
            ModelItem item;
            item.json = m.at("json");
            if (m.value("prose", false)) {
                item.prose = true;
                item.kind = ValueKind::kMarkupMultiline;
                item.datatype = "MarkupMultilineDatatype";
                def.model.push_back(std::move(item));
                continue;
            }
            item.xml = m.at("xml");
            item.group_xml = m.value("group_xml", "");
            item.many = m.value("many", false);
            item.required = m.value("required", false);
            item.choice = m.value("choice", false);
            if (m.contains("def")) {
                item.def = &t.defs.at(m.at("def").get<std::string>());
            } else {
                item.datatype = m.at("type");
                item.kind = KindOf(item.datatype, kinds);
            }
            def.model.push_back(std::move(item));
        }
    }
    for (auto& [name, id] : j.at("roots").items()) t.roots.emplace(name, &t.defs.at(id.get<std::string>()));
    return t;
}

}  // namespace

const Flag* Def::FlagNamed(std::string_view name) const {
    for (const auto& f : flags)
        if (f.name == name) return &f;
    return nullptr;
}

const ModelItem* Def::ByXml(std::string_view element) const {
    for (const auto& m : model)
        if (!m.prose && (m.group_xml.empty() ? m.xml == element : m.group_xml == element)) return &m;
    return nullptr;
}

const ModelItem* Def::ByJson(std::string_view key) const {
    for (const auto& m : model)
        if (m.json == key) return &m;
    return nullptr;
}

const ModelItem* Def::Prose() const {
    for (const auto& m : model)
        if (m.prose) return &m;
    return nullptr;
}

const Table& Get() {
    static const Table table = Load();
    return table;
}

const Def* Root(std::string_view model_name) {
    const auto& t = Get();
    auto it = t.roots.find(model_name);
    return it == t.roots.end() ? nullptr : it->second;
}

}  // namespace isms::oscal::metaschema
