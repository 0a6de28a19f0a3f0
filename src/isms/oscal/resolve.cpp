#include "isms/oscal/resolve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms::oscal {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxDepth = 32;

std::string Base64Decode(const std::string& in) {
    static const std::string kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int val = 0, bits = -8;
    for (unsigned char c : in) {
        if (c == '=') break;
        auto pos = kChars.find(static_cast<char>(c));
        if (pos == std::string::npos) continue;
        val = (val << 6) + static_cast<int>(pos);
        bits += 6;
        if (bits >= 0) {
            out.push_back(static_cast<char>((val >> bits) & 0xFF));
            bits -= 8;
        }
    }
    return out;
}

bool GlobMatch(std::string_view pattern, std::string_view s) {
    // '*' any run, '?' one character (the specification's "matching" patterns).
    size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == s[i])) {
            ++p;
            ++i;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

const Json& Obj(const Json& obj, const char* key) {
    static const Json empty = Json::object();
    auto it = obj.find(key);
    return it == obj.end() || !it->is_object() ? empty : *it;
}

const Json& Arr(const Json& obj, const char* key) {
    static const Json empty = Json::array();
    auto it = obj.find(key);
    return it == obj.end() || !it->is_array() ? empty : *it;
}

// ---- Loading imports ----------------------------------------------------------------------------------------

Document LoadHref(const Document& importer, const std::string& href, const ResolveOptions& opt, std::string* where) {
    if (href.starts_with("#")) {
        std::string uuid = href.substr(1);
        for (const auto& r : Arr(Obj(importer.body, "back-matter"), "resources")) {
            if (r.value("uuid", "") != uuid) continue;
            std::vector<std::string> tried;
            for (const auto& l : Arr(r, "rlinks")) {
                std::string target = l.value("href", "");
                if (target.starts_with("#")) continue;
                try {
                    return LoadHref(importer, target, opt, where);
                } catch (const Error& e) {
                    if (e.code() != ErrorCode::kNotFound) throw;
                    tried.push_back(target);
                }
            }
            if (r.contains("base64")) {
                const Json& b = r["base64"];
                std::string data = Base64Decode(b.value("value", ""));
                std::string name = b.value("filename", "base64");
                *where = "back-matter resource " + uuid + " (base64)";
                auto f = FormatFromPath(name);
                return Read(data, f ? *f : SniffFormat(data), *where);
            }
            throw Error::NotFound(fmt::format("import not found: {} is a back-matter resource whose links could not be "
                                              "loaded (tried: {})",
                                              href, tried.empty() ? "no rlink or base64" : fmt::format("{}", fmt::join(tried, ", "))));
        }
        throw Error::NotFound(fmt::format("import not found: {} names no resource in the profile's back-matter", href));
    }
    if (opt.load)
        if (auto d = opt.load(href, where)) return std::move(*d);
    if (!opt.read_files)
        throw Error::NotFound(fmt::format(
            "import not found: {} — a profile sent to the server imports a catalog of the organisation (import it "
            "first, then name it isms:framework/ID or by the file name it was imported from) or a back-matter "
            "resource with base64 content; the server reads no files named by a request",
            href));
    std::string path = href;
    if (path.starts_with("file://")) path = path.substr(7);
    if (path.find("://") != std::string::npos)
        throw Error::NotFound(fmt::format("import not found: {} is a remote location; isms resolves local files only "
                                          "(download it next to the profile and import it by relative path)",
                                          href));
    fs::path p = fs::path(path).is_absolute() ? fs::path(path) : opt.base_dir / path;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec))
        throw Error::NotFound(fmt::format("import not found: {} (looked for {})", href, p.lexically_normal().string()));
    *where = fs::weakly_canonical(p, ec).string();
    return ReadFile(p);
}

// ---- Selection ----------------------------------------------------------------------------------------------

void AllControls(const Json& node, std::vector<const Json*>& out) {
    for (const auto& c : Arr(node, "controls")) {
        out.push_back(&c);
        AllControls(c, out);
    }
    for (const auto& g : Arr(node, "groups")) AllControls(g, out);
}

void Descendants(const Json& control, std::set<std::string>& ids) {
    for (const auto& c : Arr(control, "controls")) {
        ids.insert(c.value("id", ""));
        Descendants(c, ids);
    }
}

// control id → the id of the control it is an enhancement of.
void Parents(const Json& node, const std::string& parent, std::map<std::string, std::string>& out) {
    for (const auto& c : Arr(node, "controls")) {
        std::string id = c.value("id", "");
        if (!parent.empty()) out[id] = parent;
        Parents(c, id, out);
    }
    for (const auto& g : Arr(node, "groups")) Parents(g, "", out);
}

std::set<std::string> Select(const Json& catalog, const Json& imp, const std::string& path) {
    std::vector<const Json*> all;
    AllControls(catalog, all);
    std::map<std::string, const Json*> by_id;
    for (const auto* c : all) by_id[c->value("id", "")] = c;

    auto apply = [&](const Json& selectors, const std::string& key, std::set<std::string>& into) {
        for (size_t s = 0; s < selectors.size(); ++s) {
            const Json& sel = selectors[s];
            bool children = sel.value("with-child-controls", "no") == "yes";
            std::vector<const Json*> hits;
            const Json& ids = Arr(sel, "with-ids");
            for (size_t k = 0; k < ids.size(); ++k) {
                std::string id = ids[k];
                auto it = by_id.find(id);
                if (it == by_id.end())
                    throw Error::InvalidInput(
                        fmt::format("{}/{}/{}/with-ids/{}: control '{}' is not in the imported catalog", path, key, s, k, id),
                        {{.field = fmt::format("{}/{}/{}/with-ids/{}", path, key, s, k),
                          .message = "no such control in the imported catalog"}});
                hits.push_back(it->second);
            }
            for (const auto& m : Arr(sel, "matching")) {
                std::string pattern = m.value("pattern", "");
                for (const auto* c : all)
                    if (GlobMatch(pattern, c->value("id", ""))) hits.push_back(c);
            }
            for (const auto* c : hits) {
                into.insert(c->value("id", ""));
                if (children) Descendants(*c, into);
            }
        }
    };
    std::set<std::string> included, excluded;
    if (imp.contains("include-all") || !imp.contains("include-controls")) {
        for (const auto* c : all) included.insert(c->value("id", ""));
    } else {
        apply(imp["include-controls"], "include-controls", included);
        // A selected control brings the controls it sits in (as NIST's resolver does: the hierarchy is kept;
        // docs/oscal.md "An enhancement selected without its parent"). They come with their own content and
        // only their selected children.
        std::map<std::string, std::string> parent;
        Parents(catalog, "", parent);
        for (const auto& id : std::vector<std::string>(included.begin(), included.end()))
            for (auto it = parent.find(id); it != parent.end(); it = parent.find(it->second)) included.insert(it->second);
    }
    if (imp.contains("exclude-controls")) apply(imp["exclude-controls"], "exclude-controls", excluded);
    for (const auto& e : excluded) included.erase(e);
    return included;
}

// The selected controls of `node`'s controls, nested as in the source; a selected control whose parent is
// excluded takes the parent's place (docs/oscal.md: enhancements selected without their parent).
Json PruneControls(const Json& controls, const std::set<std::string>& sel) {
    Json out = Json::array();
    for (const auto& c : controls) {
        Json kids = PruneControls(Arr(c, "controls"), sel);
        if (sel.count(c.value("id", ""))) {
            Json copy = c;
            copy.erase("controls");
            if (!kids.empty()) copy["controls"] = kids;
            out.push_back(std::move(copy));
        } else {
            for (auto& k : kids) out.push_back(std::move(k));
        }
    }
    return out;
}

Json PruneGroups(const Json& groups, const std::set<std::string>& sel) {
    Json out = Json::array();
    for (const auto& g : groups) {
        Json copy = g;
        Json controls = PruneControls(Arr(g, "controls"), sel);
        Json sub = PruneGroups(Arr(g, "groups"), sel);
        copy.erase("controls");
        copy.erase("groups");
        if (controls.empty() && sub.empty()) continue;
        if (!controls.empty()) copy["controls"] = controls;
        if (!sub.empty()) copy["groups"] = sub;
        out.push_back(std::move(copy));
    }
    return out;
}

// ---- Merge --------------------------------------------------------------------------------------------------

void Flatten(const Json& node, Json& out) {
    for (const auto& c : Arr(node, "controls")) {
        Json copy = c;
        copy.erase("controls");
        out.push_back(std::move(copy));
        Flatten(c, out);
    }
    for (const auto& g : Arr(node, "groups")) Flatten(g, out);
}

class Combiner {
public:
    explicit Combiner(std::string method) : method_(std::move(method)) {}
    // True when the control should be kept (first occurrence).
    bool Admit(const Json& control) {
        std::string id = control.value("id", "");
        auto [it, fresh] = seen_.emplace(id, control);
        if (fresh) return true;
        if (method_ == "keep" && it->second != control)
            throw Error::InvalidInput(fmt::format("control '{}' is imported twice with different content; with merge/"
                                                  "combine method \"keep\" duplicates must be identical (use "
                                                  "\"use-first\" to keep the first)",
                                                  id));
        return false;
    }

private:
    std::string method_;
    std::map<std::string, Json> seen_;
};

// Removes controls already admitted from a pruned as-is tree (first import wins).
Json Dedupe(const Json& controls, Combiner& comb) {
    Json out = Json::array();
    for (const auto& c : controls) {
        Json copy = c;
        Json kids = Dedupe(Arr(c, "controls"), comb);
        copy.erase("controls");
        if (!comb.Admit(copy)) {
            for (auto& k : kids) out.push_back(std::move(k));
            continue;
        }
        if (!kids.empty()) copy["controls"] = kids;
        out.push_back(std::move(copy));
    }
    return out;
}

void MergeGroupsInto(Json& target, const Json& groups, Combiner& comb) {
    for (const auto& g : groups) {
        Json controls = Dedupe(Arr(g, "controls"), comb);
        Json* existing = nullptr;
        if (g.contains("id"))
            for (auto& t : target)
                if (t.value("id", "") == g["id"]) existing = &t;
        if (!existing) {
            Json copy = g;
            copy.erase("controls");
            copy.erase("groups");
            target.push_back(copy);
            existing = &target.back();
        }
        if (!controls.empty()) {
            Json& dst = (*existing)["controls"];
            if (!dst.is_array()) dst = Json::array();
            for (auto& c : controls) dst.push_back(std::move(c));
        }
        Json sub = Arr(g, "groups");
        if (!sub.empty()) {
            Json& dst = (*existing)["groups"];
            if (!dst.is_array()) dst = Json::array();
            MergeGroupsInto(dst, sub, comb);
            if (dst.empty()) existing->erase("groups");
        }
    }
}

// ---- Modify -------------------------------------------------------------------------------------------------

void ForEachParam(Json& node, const std::function<void(Json&)>& f) {
    if (node.is_object()) {
        if (auto it = node.find("params"); it != node.end() && it->is_array())
            for (auto& p : *it) f(p);
        for (const char* k : {"controls", "groups"})
            if (auto it = node.find(k); it != node.end() && it->is_array())
                for (auto& c : *it) ForEachParam(c, f);
    }
}

Json* FindControl(Json& node, const std::string& id) {
    for (const char* k : {"controls", "groups"}) {
        auto it = node.find(k);
        if (it == node.end() || !it->is_array()) continue;
        for (auto& c : *it) {
            if (std::string(k) == "controls" && c.value("id", "") == id) return &c;
            if (Json* hit = FindControl(c, id)) return hit;
        }
    }
    return nullptr;
}

void Append(Json& obj, const char* key, const Json& items) {
    if (!items.is_array() || items.empty()) return;
    Json& dst = obj[key];
    if (!dst.is_array()) dst = Json::array();
    for (const auto& i : items) dst.push_back(i);
}

void SetParameter(Json& param, const Json& set) {
    for (const char* k : {"class", "depends-on", "label", "usage", "values", "select"})
        if (set.contains(k)) {
            param[k] = set[k];
            if (std::string(k) == "values") param.erase("select");
            if (std::string(k) == "select") param.erase("values");
        }
    for (const char* k : {"props", "links", "constraints", "guidelines"}) Append(param, k, Arr(set, k));
}

// Items of a control that removes and by-id adds address: params, props, links, parts (recursively in parts).
const char* kItemKeys[] = {"params", "props", "links", "parts"};

bool RemoveMatches(Json& node, const Json& rm) {
    bool any = false;
    for (const char* key : kItemKeys) {
        auto it = node.find(key);
        if (it == node.end() || !it->is_array()) continue;
        std::string item_name = std::string(key).substr(0, std::string(key).size() - 1);
        if (item_name == "param") item_name = "param";
        Json kept = Json::array();
        for (auto& item : *it) {
            bool match = true, constrained = false;
            auto test = [&](const char* by, const char* field) {
                if (!rm.contains(by)) return;
                constrained = true;
                if (item.value(field, "") != rm[by].get<std::string>()) match = false;
            };
            test("by-name", "name");
            test("by-class", "class");
            test("by-id", "id");
            test("by-ns", "ns");
            if (rm.contains("by-item-name")) {
                constrained = true;
                if (rm["by-item-name"] != item_name) match = false;
            }
            if (constrained && match) {
                any = true;
                continue;
            }
            if (item.is_object() && std::string(key) == "parts") any = RemoveMatches(item, rm) || any;
            kept.push_back(std::move(item));
        }
        *it = std::move(kept);
        if (it->empty()) node.erase(key);
    }
    return any;
}

// Finds the item with `id` among a control's params/parts (recursively in parts); returns its container.
bool FindById(Json& node, const std::string& id, Json** parent, const char** key, size_t* index) {
    for (const char* k : kItemKeys) {
        auto it = node.find(k);
        if (it == node.end() || !it->is_array()) continue;
        for (size_t i = 0; i < it->size(); ++i) {
            Json& item = (*it)[i];
            if (item.is_object() && item.value("id", "") == id) {
                *parent = &node;
                *key = k;
                *index = i;
                return true;
            }
            if (std::string(k) == "parts" && FindById(item, id, parent, key, index)) return true;
        }
    }
    return false;
}

void Add(Json& control, const Json& add, const std::string& path) {
    std::string position = add.value("position", "ending");
    Json* target = &control;
    Json* parent = nullptr;
    const char* parent_key = nullptr;
    size_t index = 0;
    if (add.contains("by-id")) {
        std::string id = add["by-id"];
        if (control.value("id", "") != id) {
            if (!FindById(control, id, &parent, &parent_key, &index))
                throw Error::InvalidInput(fmt::format("{}/by-id: '{}' is not a part or parameter of control '{}'", path,
                                                      id, control.value("id", "")),
                                          {{.field = path + "/by-id", .message = "no such item in the control"}});
            target = &(*parent)[parent_key][index];
        }
    }
    if (add.contains("title")) (*target)["title"] = add["title"];
    bool sibling = (position == "before" || position == "after") && parent;
    for (const char* key : kItemKeys) {
        const Json& items = Arr(add, key);
        if (items.empty()) continue;
        if (sibling && std::string(key) == parent_key) {
            Json& arr = (*parent)[key];
            size_t at = position == "before" ? index : index + 1;
            arr.insert(arr.begin() + static_cast<std::ptrdiff_t>(at), items.begin(), items.end());
            index += position == "before" ? items.size() : 0;
            continue;
        }
        Json* into = sibling ? parent : target;
        Json& arr = (*into)[key];
        if (!arr.is_array()) arr = Json::array();
        bool front = position == "starting" || position == "before";
        if (front)
            arr.insert(arr.begin(), items.begin(), items.end());
        else
            for (const auto& i : items) arr.push_back(i);
    }
}

void Modify(Json& catalog, const Json& modify) {
    const Json& sets = Arr(modify, "set-parameters");
    std::map<std::string, const Json*> by_param;
    for (const auto& s : sets) by_param[s.value("param-id", "")] = &s;
    std::set<std::string> applied;
    ForEachParam(catalog, [&](Json& p) {
        auto it = by_param.find(p.value("id", ""));
        if (it == by_param.end()) return;
        SetParameter(p, *it->second);
        applied.insert(it->first);
    });
    // Parameters of parts are not addressed by set-parameters; unknown ids are reported by validation.
    const Json& alters = Arr(modify, "alters");
    for (size_t a = 0; a < alters.size(); ++a) {
        std::string path = fmt::format("/profile/modify/alters/{}", a);
        std::string id = alters[a].value("control-id", "");
        Json* control = FindControl(catalog, id);
        if (!control)
            throw Error::InvalidInput(
                fmt::format("{}/control-id: alter targets control '{}', which the resolved catalog does not contain", path, id),
                {{.field = path + "/control-id", .message = "no such control among the selected controls"}});
        const Json& removes = Arr(alters[a], "removes");
        for (const auto& rm : removes) RemoveMatches(*control, rm);
        const Json& adds = Arr(alters[a], "adds");
        for (size_t k = 0; k < adds.size(); ++k) Add(*control, adds[k], fmt::format("{}/adds/{}", path, k));
    }
}

// ---- Back-matter --------------------------------------------------------------------------------------------

void References(const Json& v, std::set<std::string>& refs) {
    static const std::regex kMdLink(R"(\]\(#([^)\s]+)\))");
    if (v.is_object()) {
        for (const auto& [k, val] : v.items()) {
            if (k == "href" && val.is_string() && val.get<std::string>().starts_with("#"))
                refs.insert(val.get<std::string>().substr(1));
            else
                References(val, refs);
        }
    } else if (v.is_array()) {
        for (const auto& e : v) References(e, refs);
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s.find("](#") == std::string::npos) return;
        for (auto it = std::sregex_iterator(s.begin(), s.end(), kMdLink); it != std::sregex_iterator(); ++it)
            refs.insert((*it)[1]);
    }
}

// Loose parameters (catalog and group level) are kept only when selected content inserts them.
void Inserts(const Json& v, std::set<std::string>& ids) {
    static const std::regex kInsert(R"(\{\{\s*insert\s*:\s*param\s*,\s*([^\s}]+)\s*\}\})");
    if (v.is_object() || v.is_array()) {
        for (const auto& e : v) Inserts(e, ids);
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s.find("{{") == std::string::npos) return;
        for (auto it = std::sregex_iterator(s.begin(), s.end(), kInsert); it != std::sregex_iterator(); ++it)
            ids.insert((*it)[1]);
    }
}

Json LooseParams(const Json& params, const std::set<std::string>& used) {
    Json out = Json::array();
    for (const auto& p : params)
        if (used.count(p.value("id", ""))) out.push_back(p);
    return out;
}

void PruneLooseParams(Json& node, const std::set<std::string>& used) {
    if (node.contains("params")) {
        Json kept = LooseParams(node["params"], used);
        if (kept.empty())
            node.erase("params");
        else
            node["params"] = kept;
    }
    if (node.contains("groups"))
        for (auto& g : node["groups"]) PruneLooseParams(g, used);
}

}  // namespace

Document ResolveImport(const Document& importer, const std::string& href, const ResolveOptions& opt) {
    std::string where;
    Document d = LoadHref(importer, href, opt, &where);
    if (d.model == Model::kCatalog) return d;
    if (d.model != Model::kProfile)
        throw Error::InvalidInput(fmt::format("import {} is a {}; a profile imports catalogs and profiles", href, d.Name()));
    if (std::find(opt.stack.begin(), opt.stack.end(), where) != opt.stack.end()) {
        std::string chain;
        for (const auto& s : opt.stack) chain += s + " → ";
        throw Error::InvalidInput(fmt::format("profiles import each other in a cycle: {}{}", chain, where));
    }
    ResolveOptions sub = opt;
    sub.stack.push_back(where);
    if (!where.empty() && where.find("back-matter") == std::string::npos) {
        sub.base_dir = fs::path(where).parent_path();
        sub.source = where;
    }
    return Resolve(d, sub);
}

Document Resolve(const Document& profile, const ResolveOptions& options) {
    if (profile.model != Model::kProfile)
        throw Error::InvalidInput(fmt::format("expected an OSCAL profile to resolve, got a {}", profile.Name()));
    if (options.stack.size() > kMaxDepth)
        throw Error::InvalidInput(fmt::format("profiles import profiles more than {} levels deep", kMaxDepth));
    const Json& p = profile.body;
    const Json& merge = p.value("merge", Json::object());
    std::string combine = merge.value("combine", Json::object()).value("method", "use-first");
    std::string structure = merge.value("as-is", false) ? "as-is" : merge.contains("custom") ? "custom" : "flat";
    Combiner comb(combine);

    Json groups = Json::array(), controls = Json::array(), params = Json::array();
    Json resources = Json::array();
    std::set<std::string> resource_ids;
    std::set<std::string> import_refs;
    const Json& imports = Arr(p, "imports");
    for (size_t i = 0; i < imports.size(); ++i) {
        const Json& imp = imports[i];
        std::string href = imp.value("href", "");
        if (href.starts_with("#")) import_refs.insert(href.substr(1));
        Document cat = ResolveImport(profile, href, options);
        std::set<std::string> sel = Select(cat.body, imp, fmt::format("/profile/imports/{}", i));
        Json top = PruneControls(Arr(cat.body, "controls"), sel);
        Json grp = PruneGroups(Arr(cat.body, "groups"), sel);
        for (const auto& prm : Arr(cat.body, "params")) params.push_back(prm);
        if (structure == "as-is") {
            Json deduped = Dedupe(top, comb);
            for (auto& c : deduped) controls.push_back(std::move(c));
            MergeGroupsInto(groups, grp, comb);
        } else {
            Json tree = {{"controls", top}, {"groups", grp}};
            Json flat = Json::array();
            Flatten(tree, flat);
            for (auto& c : flat)
                if (comb.Admit(c)) controls.push_back(std::move(c));
            // Group-level parameters travel with flat controls as catalog-level ones.
            std::function<void(const Json&)> group_params = [&](const Json& gs) {
                for (const auto& g : gs) {
                    for (const auto& prm : Arr(g, "params")) params.push_back(prm);
                    group_params(Arr(g, "groups"));
                }
            };
            group_params(grp);
        }
        for (const auto& r : Arr(Obj(cat.body, "back-matter"), "resources"))
            if (resource_ids.insert(r.value("uuid", "")).second) resources.push_back(r);
    }

    Json catalog = Json::object();
    if (structure == "custom") {
        // The profile's own groups; controls are placed where insert-controls say, each once.
        std::map<std::string, Json> by_id;
        std::vector<std::string> order;
        for (const auto& c : controls) {
            order.push_back(c.value("id", ""));
            by_id[c.value("id", "")] = c;
        }
        std::set<std::string> placed;
        std::function<Json(const Json&)> insert = [&](const Json& inserts) {
            Json out = Json::array();
            for (const auto& ins : inserts) {
                std::vector<std::string> ids;
                if (ins.contains("include-all")) {
                    ids = order;
                } else {
                    for (const auto& sel : Arr(ins, "include-controls")) {
                        for (const auto& id : Arr(sel, "with-ids"))
                            if (by_id.count(id)) ids.push_back(id);
                        for (const auto& m : Arr(sel, "matching"))
                            for (const auto& id : order)
                                if (GlobMatch(m.value("pattern", ""), id)) ids.push_back(id);
                    }
                }
                std::set<std::string> excl;
                for (const auto& sel : Arr(ins, "exclude-controls"))
                    for (const auto& id : Arr(sel, "with-ids")) excl.insert(id);
                std::string ord = ins.value("order", "keep");
                if (ord == "ascending") std::sort(ids.begin(), ids.end());
                if (ord == "descending") std::sort(ids.rbegin(), ids.rend());
                for (const auto& id : ids)
                    if (!excl.count(id) && placed.insert(id).second) out.push_back(by_id[id]);
            }
            return out;
        };
        std::function<Json(const Json&)> build = [&](const Json& gs) {
            Json out = Json::array();
            for (const auto& g : gs) {
                Json copy = g;
                copy.erase("insert-controls");
                copy.erase("groups");
                Json cs = insert(Arr(g, "insert-controls"));
                Json sub = build(Arr(g, "groups"));
                if (!cs.empty()) copy["controls"] = cs;
                if (!sub.empty()) copy["groups"] = sub;
                out.push_back(std::move(copy));
            }
            return out;
        };
        const Json& custom = merge["custom"];
        Json cs = insert(Arr(custom, "insert-controls"));
        Json gs = build(Arr(custom, "groups"));
        if (!cs.empty()) catalog["controls"] = cs;
        if (!gs.empty()) catalog["groups"] = gs;
    } else {
        if (!controls.empty()) catalog["controls"] = controls;
        if (!groups.empty()) catalog["groups"] = groups;
    }
    if (!params.empty()) catalog["params"] = params;

    if (p.contains("modify")) Modify(catalog, p["modify"]);

    // Loose parameters that nothing selected inserts are dropped.
    std::set<std::string> used;
    Inserts(catalog.value("controls", Json::array()), used);
    std::function<void(const Json&)> group_inserts = [&](const Json& gs) {
        for (const auto& g : gs) {
            for (const char* k : {"controls", "parts", "props"}) Inserts(g.value(k, Json::array()), used);
            group_inserts(Arr(g, "groups"));
        }
    };
    group_inserts(catalog.value("groups", Json::array()));
    for (bool changed = true; changed;) {  // parameters inserted by kept parameters
        changed = false;
        std::set<std::string> more;
        for (const auto& prm : catalog.value("params", Json::array()))
            if (used.count(prm.value("id", ""))) Inserts(prm, more);
        for (const auto& id : more) changed = used.insert(id).second || changed;
    }
    PruneLooseParams(catalog, used);

    // Back-matter: resources the result references, and the profile's own except import sources.
    std::set<std::string> refs;
    References(catalog, refs);
    Json kept = Json::array();
    for (const auto& r : resources)
        if (refs.count(r.value("uuid", ""))) kept.push_back(r);
    for (const auto& r : Arr(Obj(p, "back-matter"), "resources")) {
        std::string uuid = r.value("uuid", "");
        if (import_refs.count(uuid) || resource_ids.count(uuid)) continue;
        resource_ids.insert(uuid);
        kept.push_back(r);
    }

    Json metadata = p.value("metadata", Json::object());
    metadata["last-modified"] = options.timestamp.empty() ? time::NowUtc() : options.timestamp;
    Json& props = metadata["props"];
    if (!props.is_array()) props = Json::array();
    props.push_back({{"name", "resolution-tool"}, {"value", "isms"}});
    if (!options.source.empty()) {
        Json& links = metadata["links"];
        if (!links.is_array()) links = Json::array();
        links.push_back({{"href", options.source}, {"rel", "source-profile"}});
    }

    Json body = Json::object();
    body["uuid"] = DerivedUuid("resolved:" + p.value("uuid", "") + ":" + metadata["last-modified"].get<std::string>());
    body["metadata"] = metadata;
    for (const char* k : {"params", "controls", "groups"})
        if (catalog.contains(k)) body[k] = catalog[k];
    if (!kept.empty()) body["back-matter"] = {{"resources", kept}};
    return {Model::kCatalog, std::move(body)};
}

Document ResolveFile(const fs::path& profile_path, const ResolveOptions& options) {
    Document profile = ReadFile(profile_path);
    ResolveOptions opt = options;
    if (opt.base_dir.empty()) opt.base_dir = profile_path.parent_path().empty() ? fs::path(".") : profile_path.parent_path();
    std::error_code ec;
    std::string where = fs::weakly_canonical(profile_path, ec).string();
    if (opt.source.empty()) opt.source = profile_path.string();
    opt.stack.push_back(where);
    return Resolve(profile, opt);
}

}  // namespace isms::oscal
