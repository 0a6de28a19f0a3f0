#include "isms/oscal/framework.hpp"

#include <fmt/format.h>

#include <set>

#include "isms/core/error.hpp"

namespace isms::oscal {

namespace {

struct Walker {
    FrameworkData& out;
    std::set<std::string> seen;
    int64_t position = 0;

    void Controls(const Json& list, const std::string& parent, const Json& group_index,
                  const std::vector<std::string>& group_ids, const std::string& path) {
        for (size_t i = 0; i < list.size(); ++i) {
            const Json& c = list[i];
            std::string p = fmt::format("{}/controls/{}", path, i);
            std::string id = c.value("id", "");
            if (!seen.insert(id).second)
                throw Error::InvalidInput(fmt::format("{}: control id '{}' appears twice in the catalog", p, id),
                                          {{.field = p + "/id", .message = "duplicate control id"}});
            FrameworkControl fc;
            fc.id = id;
            fc.title = c.value("title", "");
            fc.parent_id = parent;
            fc.position = ++position;
            fc.extra = c;
            fc.extra.erase("controls");
            fc.extra["group_index"] = group_index;
            if (c.contains("class")) fc.attributes["class"].push_back(c["class"]);
            if (!group_ids.empty()) fc.attributes["group"] = group_ids;
            if (!parent.empty()) fc.attributes["parent"].push_back(parent);
            for (const auto& prop : c.value("props", Json::array()))
                fc.attributes[AttributeName(prop.value("name", ""))].push_back(prop.value("value", ""));
            out.controls.push_back(std::move(fc));
            if (c.contains("controls")) Controls(c["controls"], id, group_index, group_ids, p);
        }
    }

    Json Groups(const Json& list, const Json& index_prefix, const std::vector<std::string>& ids, const std::string& path) {
        Json tree = Json::array();
        for (size_t i = 0; i < list.size(); ++i) {
            const Json& g = list[i];
            Json index = index_prefix;
            index.push_back(i);
            std::vector<std::string> gids = ids;
            if (g.contains("id")) gids.push_back(g["id"]);
            std::string p = fmt::format("{}/groups/{}", path, i);
            Json copy = g;
            copy.erase("controls");
            copy.erase("groups");
            if (g.contains("controls")) Controls(g["controls"], "", index, gids, p);
            if (g.contains("groups")) copy["groups"] = Groups(g["groups"], index, gids, p);
            tree.push_back(std::move(copy));
        }
        return tree;
    }
};

// Inserts `control` into the rebuilt tree at its group (by index path) or top level.
Json* GroupAt(Json& catalog, const Json& index) {
    Json* node = &catalog;
    for (const auto& i : index) node = &(*node)["groups"][i.get<size_t>()];
    return node;
}

}  // namespace

std::string IsoOscalId(std::string_view control_id) { return "a." + std::string(control_id); }

std::string AttributeName(std::string_view oscal_name) {
    std::string out;
    for (char c : oscal_name) {
        char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out += (std::isalnum(static_cast<unsigned char>(l)) || l == '_') ? l : '_';
    }
    return out.empty() ? "_" : out;
}

FrameworkData FrameworkFromCatalog(const Document& catalog) {
    if (catalog.model != Model::kCatalog)
        throw Error::InvalidInput(fmt::format("expected an OSCAL catalog to import, got a {}{}", catalog.Name(),
                                              catalog.model == Model::kProfile ? " (resolve it first: isms oscal resolve)" : ""));
    FrameworkData out;
    const Json& b = catalog.body;
    out.parts.uuid = b.value("uuid", "");
    out.parts.metadata = b.value("metadata", Json::object());
    out.parts.params = b.value("params", Json::array());
    out.parts.back_matter = b.contains("back-matter") ? b["back-matter"] : Json(nullptr);
    out.name = out.parts.metadata.value("title", "imported catalog");
    out.version = out.parts.metadata.value("version", "");
    Walker w{out};
    if (b.contains("controls")) w.Controls(b["controls"], "", Json::array(), {}, "/catalog");
    if (b.contains("groups")) out.parts.groups = w.Groups(b["groups"], Json::array(), {}, "/catalog");
    if (out.controls.empty()) throw Error::InvalidInput("the catalog has no controls to import");
    // Families: every attribute seen; small value sets are closed vocabularies, the rest free text.
    std::map<std::string, std::set<std::string>> values;
    std::map<std::string, size_t> first_seen;
    for (const auto& c : out.controls)
        for (const auto& [k, vs] : c.attributes) {
            first_seen.emplace(k, first_seen.size());
            values[k].insert(vs.begin(), vs.end());
        }
    std::vector<std::pair<size_t, std::string>> order;
    for (const auto& [k, i] : first_seen) order.push_back({i, k});
    std::sort(order.begin(), order.end());
    for (const auto& [i, k] : order) {
        Family f{k, k == "class" ? "the control's OSCAL class" : k == "group" ? "the groups the control is in"
                  : k == "parent" ? "the control an enhancement belongs to" : "OSCAL prop '" + k + "'", {}};
        if (values[k].size() <= 60 && k != "parent") f.values.assign(values[k].begin(), values[k].end());
        out.families.push_back(std::move(f));
    }
    return out;
}

Document CatalogFromFramework(const CatalogParts& parts, const std::vector<FrameworkControl>& controls) {
    Json catalog = Json::object();
    catalog["uuid"] = parts.uuid;
    catalog["metadata"] = parts.metadata;
    if (!parts.params.empty()) catalog["params"] = parts.params;
    if (!parts.groups.empty()) catalog["groups"] = parts.groups;
    // Controls in position order; enhancements after their parent (positions are document order).
    std::vector<const FrameworkControl*> sorted;
    for (const auto& c : controls) sorted.push_back(&c);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->position < b->position; });
    std::map<std::string, std::vector<size_t>> path_of;  // control id → index path within its container
    std::map<std::string, Json*> placed;
    // Build with stable addresses: first collect children per parent, then assemble recursively.
    std::map<std::string, std::vector<const FrameworkControl*>> children;
    std::vector<const FrameworkControl*> roots;
    for (const auto* c : sorted) (c->parent_id.empty() ? roots : children[c->parent_id]).push_back(c);
    std::function<Json(const FrameworkControl*)> build = [&](const FrameworkControl* c) {
        Json j = c->extra;
        j.erase("group_index");
        j["id"] = c->id;
        j["title"] = c->title;
        if (auto it = children.find(c->id); it != children.end()) {
            Json kids = Json::array();
            for (const auto* k : it->second) kids.push_back(build(k));
            j["controls"] = kids;
        }
        return j;
    };
    for (const auto* c : roots) {
        Json index = c->extra.value("group_index", Json::array());
        Json* node = GroupAt(catalog, index);
        Json& arr = (*node)["controls"];
        if (!arr.is_array()) arr = Json::array();
        arr.push_back(build(c));
    }
    // The metaschema puts a group's controls before its subgroups; JSON objects keep no order, so nothing to do.
    if (parts.back_matter.is_object()) catalog["back-matter"] = parts.back_matter;
    return {Model::kCatalog, std::move(catalog)};
}

Document CatalogFromAttributes(const std::string& title, const std::string& version, const std::string& group_by,
                               const std::vector<AttributeControl>& controls, const std::string& last_modified) {
    Json groups = Json::array();
    std::map<std::string, size_t> group_index;
    for (const auto& c : controls) {
        auto it = c.attributes.find(group_by);
        std::string g = it == c.attributes.end() || it->second.empty() ? "other" : it->second.front();
        if (!group_index.count(g)) {
            group_index[g] = groups.size();
            std::string t = g;
            if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
            groups.push_back({{"id", AttributeName(g)}, {"class", group_by}, {"title", t + " controls"},
                              {"controls", Json::array()}});
        }
        Json props = Json::array();
        props.push_back({{"name", "label"}, {"value", c.id}});
        for (const auto& [family, values] : c.attributes) {
            if (family == group_by) continue;
            for (const auto& v : values)
                props.push_back({{"name", AttributeName(family)}, {"value", v}, {"ns", std::string(kIso27002Namespace)}});
        }
        Json control = {{"id", IsoOscalId(c.id)}, {"class", "iso27002-control"}, {"title", c.title}, {"props", props}};
        Json parts = Json::array();
        for (const auto& [field, text] : c.text) {
            if (text.empty()) continue;
            std::string name = field == "description" ? "statement" : field == "guidance" ? "guidance" : AttributeName(field);
            Json part = {{"id", IsoOscalId(c.id) + "_" + AttributeName(field)}, {"name", name}, {"prose", text}};
            if (name != "statement" && name != "guidance") part["ns"] = std::string(kIso27002Namespace);
            parts.push_back(part);
        }
        if (!parts.empty()) control["parts"] = parts;
        groups[group_index[g]]["controls"].push_back(control);
    }
    Json md = {{"title", title},
               {"last-modified", last_modified},
               {"version", version.empty() ? "1" : version},
               {"oscal-version", std::string(kOscalVersion)},
               {"props", Json::array({{{"name", "source"}, {"value", "isms"}, {"ns", std::string(kIsmsNamespace)}}})}};
    Json catalog = {{"uuid", DerivedUuid("catalog:" + title + ":" + version)}, {"metadata", md}, {"groups", groups}};
    return {Model::kCatalog, std::move(catalog)};
}

}  // namespace isms::oscal
