#include "isms/oscal/validate.hpp"

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <unordered_map>

#include "isms/core/embedded.hpp"
#include "isms/core/error.hpp"
#include "isms/oscal/resolve.hpp"

// valijson checks "pattern" with std::regex, which has no Unicode classes (\p{L}) that OSCAL's patterns use.
// The pattern check of the visitor for nlohmann documents is specialised below to use ICU instead; the
// declaration must precede any use of the visitor.
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/validation_visitor.hpp>
namespace valijson {
template <>
bool ValidationVisitor<adapters::NlohmannJsonAdapter>::visit(const constraints::PatternConstraint& constraint);
}
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/utils/nlohmann_json_utils.hpp>
#include <valijson/validator.hpp>

ISMS_DECLARE_EMBEDDED(oscal_data)

namespace isms::oscal {
namespace {

// ICU patterns, compiled once per pattern (the schema has eight).
bool IcuSearch(const std::string& pattern, const std::string& value) {
    static std::mutex mu;
    static std::map<std::string, std::unique_ptr<icu::RegexPattern>> cache;
    const icu::RegexPattern* compiled;
    {
        std::lock_guard lock(mu);
        auto& slot = cache[pattern];
        if (!slot) {
            UErrorCode status = U_ZERO_ERROR;
            UParseError pe;
            slot.reset(icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, pe, status));
            if (U_FAILURE(status)) {
                slot.reset();
                return true;  // a pattern ICU cannot compile is not held against the document
            }
        }
        compiled = slot.get();
    }
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(value);
    std::unique_ptr<icu::RegexMatcher> m(compiled->matcher(u, status));
    if (U_FAILURE(status)) return true;
    bool found = m->find(status);
    return U_FAILURE(status) || found;
}

}  // namespace
}  // namespace isms::oscal

namespace valijson {
template <>
bool ValidationVisitor<adapters::NlohmannJsonAdapter>::visit(const constraints::PatternConstraint& constraint) {
    if ((m_strictTypes && !m_target.isString()) || !m_target.maybeString()) return true;
    std::string pattern(constraint.getPattern<std::string::allocator_type>());
    if (!isms::oscal::IcuSearch(pattern, m_target.asString())) {
        if (m_results) m_results->pushError(m_context, "does not match the pattern " + pattern);
        return false;
    }
    return true;
}
}  // namespace valijson

namespace isms::oscal {
namespace {

std::string_view EmbeddedFile(std::string_view name) {
    auto f = embedded::Find(isms_embedded_oscal_data(), name);
    if (!f) throw Error::Internal(fmt::format("{} is not embedded", name));
    return *f;
}

// The complete schema with its root narrowed to one model, "$ref": "#assembly_…" rewritten to JSON pointers
// (valijson resolves pointers, not plain-name fragments).
Json SchemaFor(Model model) {
    static const Json complete = [] {
        Json s = Json::parse(EmbeddedFile("schemas/oscal_complete_schema.json"));
        std::map<std::string, std::string> ids;
        for (auto& [k, v] : s["definitions"].items())
            if (v.contains("$id")) ids[v["$id"]] = "#/definitions/" + k;
        std::function<void(Json&)> fix = [&](Json& j) {
            if (j.is_object()) {
                if (auto it = j.find("$ref"); it != j.end() && it->is_string()) {
                    auto m = ids.find(it->get<std::string>());
                    if (m != ids.end()) *it = m->second;
                }
                j.erase("$id");
                for (auto& [k, v] : j.items()) fix(v);
            } else if (j.is_array()) {
                for (auto& v : j) fix(v);
            }
        };
        fix(s);
        return s;
    }();
    Json s = complete;
    Json branch;
    for (const auto& b : s["oneOf"])
        if (b["properties"].contains(std::string(ModelName(model)))) branch = b;
    s.erase("oneOf");
    s["properties"] = branch["properties"];
    s["required"] = branch["required"];
    s["additionalProperties"] = false;
    return s;
}

struct CompiledSchema {
    valijson::Schema schema;
};

const valijson::Schema& ValijsonSchema(Model model) {
    static std::mutex mu;
    static std::map<Model, std::unique_ptr<CompiledSchema>> cache;
    std::lock_guard lock(mu);
    auto& slot = cache[model];
    if (!slot) {
        slot = std::make_unique<CompiledSchema>();
        Json s = SchemaFor(model);
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::NlohmannJsonAdapter adapter(s);
        parser.populateSchema(adapter, slot->schema);
    }
    return slot->schema;
}

std::string PointerOf(const std::vector<std::string>& context) {
    std::string p;
    for (const auto& c : context) {
        if (c == "<root>") continue;
        std::string seg = c;
        if (seg.size() >= 2 && seg.front() == '[' && seg.back() == ']') seg = seg.substr(1, seg.size() - 2);
        if (seg.size() >= 2 && seg.front() == '"' && seg.back() == '"') seg = seg.substr(1, seg.size() - 2);
        p += "/" + seg;
    }
    return p;
}

// ---- XSD ----------------------------------------------------------------------------------------------------

struct XsdState {
    xmlSchemaPtr schema = nullptr;
    std::mutex mu;  // libxml2 validation contexts are per call; the schema is shared
};

XsdState& Xsd() {
    static XsdState state;
    static std::once_flag once;
    std::call_once(once, [] {
        auto xsd = EmbeddedFile("schemas/oscal_complete_schema.xsd");
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size()));
        xmlSchemaSetParserStructuredErrors(pc, [](void*, xmlErrorPtr) {}, nullptr);
        state.schema = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
        if (!state.schema) throw Error::Internal("the embedded OSCAL XSD does not compile");
    });
    return state;
}

// ---- Rules --------------------------------------------------------------------------------------------------

class RuleChecker {
public:
    explicit RuleChecker(const Document& doc) : doc_(doc) {}

    std::vector<ValidationIssue> Run(const std::filesystem::path& base_dir) {
        std::string root = "/" + std::string(doc_.Name());
        Collect(doc_.body, root, "");
        for (const auto& [uuid, paths] : uuids_)
            if (paths.size() > 1) Issue("unique", paths[1], fmt::format("uuid {} is used again (first at {})", uuid, paths[0]));
        for (const auto& [id, paths] : item_ids_)
            if (paths.size() > 1)
                Issue("unique", paths[1], fmt::format("id '{}' is used again (first at {}); control, group, part and "
                                                      "parameter ids must be unique in a document",
                                                      id, paths[0]));
        for (const auto& [id, paths] : role_ids_)
            if (paths.size() > 1) Issue("unique", paths[1], fmt::format("role id '{}' is defined twice", id));
        static const std::regex kUuid("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$");
        for (const auto& [href, path] : hrefs_) {
            std::string frag = href.substr(1);
            if (uuids_.count(frag) || item_ids_.count(frag) || role_ids_.count(frag) || other_ids_.count(frag)) continue;
            if (std::regex_match(frag, kUuid))
                Issue("reference", path,
                      fmt::format("href '{}' names no back-matter resource or other uuid in this document", href));
            else  // links to related controls a profile left out are expected in resolved catalogs
                Issue("note", path, fmt::format("href '{}' points at no control or part in this document", href));
        }
        for (const auto& [role, path] : role_refs_)
            if (!role_ids_.count(role))
                Issue("reference", path, fmt::format("role-id '{}' is not a role defined in metadata/roles", role));
        for (const auto& [party, path] : party_refs_)
            if (!parties_.count(party))
                Issue("reference", path, fmt::format("party uuid {} is not a party defined in metadata/parties", party));
        if (doc_.model == Model::kCatalog) {
            for (const auto& [param, path] : inserts_)
                if (!param_ids_.count(param))
                    Issue("reference", path,
                          fmt::format("{{{{ insert: param, {} }}}} names no parameter of this catalog", param));
        }
        if (doc_.model == Model::kProfile && !base_dir.empty()) CheckProfileTargets(base_dir);
        return std::move(issues_);
    }

private:
    void Issue(std::string kind, std::string path, std::string message) {
        if (issues_.size() < 200) issues_.push_back({std::move(kind), std::move(path), std::move(message)});
    }

    void Collect(const Json& v, const std::string& path, const std::string& key_in_parent) {
        if (v.is_array()) {
            for (size_t i = 0; i < v.size(); ++i) Collect(v[i], path + "/" + std::to_string(i), key_in_parent);
            return;
        }
        if (v.is_string()) {
            ScanMarkup(v.get<std::string>(), path);
            return;
        }
        if (!v.is_object()) return;
        bool catalog_item = key_in_parent == "controls" || key_in_parent == "groups" || key_in_parent == "parts" ||
                            key_in_parent == "params";
        for (const auto& [k, val] : v.items()) {
            std::string p = path + "/" + k;
            if (k == "uuid" && val.is_string()) {
                // Identities that OSCAL indexes document-wide; other uuids (statements, by-components) are
                // scoped to their parent and are only collected as link targets.
                static const std::set<std::string, std::less<>> kIndexed = {
                    "parties", "locations", "resources", "components", "inventory-items", "users", "observations",
                    "risks", "findings", "poam-items", "tasks", "activities", "results", "reviewed-controls"};
                if (kIndexed.count(key_in_parent) || key_in_parent.empty())
                    uuids_[val.get<std::string>()].push_back(p);
                else
                    other_ids_.insert(val.get<std::string>());
                if (key_in_parent == "parties") parties_.insert(val.get<std::string>());
            } else if (k == "id" && val.is_string()) {
                if (catalog_item && doc_.model != Model::kProfile)
                    item_ids_[val.get<std::string>()].push_back(p);
                else if (key_in_parent == "roles")
                    role_ids_[val.get<std::string>()].push_back(p);
                else
                    other_ids_.insert(val.get<std::string>());
                if (key_in_parent == "params") param_ids_.insert(val.get<std::string>());
            } else if (k == "href" && val.is_string() && val.get<std::string>().starts_with("#")) {
                hrefs_.emplace_back(val.get<std::string>(), p);
            } else if (k == "role-id" && val.is_string() && key_in_parent == "responsible-parties") {
                // NIST's own examples use undeclared role ids in responsible-roles; metadata's
                // responsible-parties must name declared roles.
                role_refs_.emplace_back(val.get<std::string>(), p);
            } else if (k == "party-uuids" && val.is_array()) {
                for (size_t i = 0; i < val.size(); ++i)
                    if (val[i].is_string()) party_refs_.emplace_back(val[i].get<std::string>(), p + "/" + std::to_string(i));
            } else {
                Collect(val, p, k);
            }
        }
    }

    void ScanMarkup(const std::string& s, const std::string& path) {
        static const std::regex kInsert(R"(\{\{\s*insert\s*:\s*param\s*,\s*([^\s}]+)\s*\}\})");
        if (s.find("{{") == std::string::npos) return;
        for (auto it = std::sregex_iterator(s.begin(), s.end(), kInsert); it != std::sregex_iterator(); ++it)
            inserts_.emplace_back((*it)[1], path);
    }

    void CheckProfileTargets(const std::filesystem::path& base_dir) {
        std::set<std::string> controls, params;
        const Json& imports = doc_.body.value("imports", Json::array());
        for (size_t i = 0; i < imports.size(); ++i) {
            std::string href = imports[i].value("href", "");
            try {
                Document cat = ResolveImport(doc_, href, {.base_dir = base_dir});
                CollectCatalogIds(cat.body, controls, params);
            } catch (const Error& e) {
                Issue("note", fmt::format("/profile/imports/{}/href", i),
                      fmt::format("import '{}' was not checked: {}", href, e.what()));
                return;  // without every import, ids cannot be judged
            }
        }
        auto check_ids = [&](const Json& sel, const std::string& path) {
            if (!sel.is_object()) return;
            for (size_t k = 0; k < sel.value("with-ids", Json::array()).size(); ++k) {
                std::string id = sel["with-ids"][k];
                if (!controls.count(id))
                    Issue("reference", fmt::format("{}/with-ids/{}", path, k),
                          fmt::format("control '{}' is not in the imported catalogs", id));
            }
        };
        for (size_t i = 0; i < imports.size(); ++i) {
            for (const char* key : {"include-controls", "exclude-controls"}) {
                const Json& sels = imports[i].value(key, Json::array());
                for (size_t s = 0; s < sels.size(); ++s)
                    check_ids(sels[s], fmt::format("/profile/imports/{}/{}/{}", i, key, s));
            }
        }
        const Json& modify = doc_.body.value("modify", Json::object());
        const Json& sets = modify.value("set-parameters", Json::array());
        for (size_t i = 0; i < sets.size(); ++i) {
            std::string id = sets[i].value("param-id", "");
            if (!params.count(id))
                Issue("reference", fmt::format("/profile/modify/set-parameters/{}/param-id", i),
                      fmt::format("parameter '{}' is not in the imported catalogs", id));
        }
        const Json& alters = modify.value("alters", Json::array());
        for (size_t i = 0; i < alters.size(); ++i) {
            std::string id = alters[i].value("control-id", "");
            if (!controls.count(id))
                Issue("reference", fmt::format("/profile/modify/alters/{}/control-id", i),
                      fmt::format("control '{}' is not in the imported catalogs", id));
        }
    }

    static void CollectCatalogIds(const Json& v, std::set<std::string>& controls, std::set<std::string>& params) {
        for (const auto& c : v.value("controls", Json::array())) {
            controls.insert(c.value("id", ""));
            CollectCatalogIds(c, controls, params);
        }
        for (const auto& g : v.value("groups", Json::array())) CollectCatalogIds(g, controls, params);
        for (const auto& p : v.value("params", Json::array())) params.insert(p.value("id", ""));
    }

    const Document& doc_;
    std::vector<ValidationIssue> issues_;
    std::map<std::string, std::vector<std::string>> uuids_, item_ids_, role_ids_;
    std::set<std::string> other_ids_, param_ids_, parties_;
    std::vector<std::pair<std::string, std::string>> hrefs_, role_refs_, party_refs_, inserts_;
};

void FromError(const Error& e, ValidationReport& r) {
    if (e.details().empty()) {
        r.issues.push_back({"schema", "", e.what()});
        return;
    }
    for (const auto& d : e.details()) r.issues.push_back({"schema", d.field, d.message, d.line});
}

}  // namespace

bool ValidationReport::ok() const {
    for (const auto& i : issues)
        if (i.kind != "note") return false;
    return true;
}

Json ValidationReport::ToJson() const {
    Json arr = Json::array();
    for (const auto& i : issues) {
        Json j = {{"kind", i.kind}, {"path", i.path}, {"message", i.message}};
        if (i.line) j["line"] = i.line;
        arr.push_back(j);
    }
    return {{"valid", ok()},
            {"model", model ? Json(std::string(ModelName(*model))) : Json(nullptr)},
            {"format", std::string(FormatName(format))},
            {"issues", arr}};
}

std::vector<ValidationIssue> SchemaIssues(const Document& doc) {
    const auto& schema = ValijsonSchema(doc.model);
    Json root = {{std::string(doc.Name()), doc.body}};
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(root);
    std::vector<ValidationIssue> out;
    if (validator.validate(schema, target, &results)) return out;
    // valijson reports every failing level: the property's own error, then at each enclosing object a
    // consequential "Failed to validate …" one. Those are left out where a deeper error explains them; an
    // object's own errors (a property not allowed, a required one missing) always stand.
    std::map<std::string, std::vector<std::string>> own, consequential;
    std::vector<std::string> order;
    valijson::ValidationResults::Error err;
    while (results.popError(err)) {
        std::string p = PointerOf(err.context);
        if (!own.count(p) && !consequential.count(p)) order.push_back(p);
        (err.description.starts_with("Failed to") ? consequential : own)[p].push_back(err.description);
    }
    for (const auto& p : order) {
        bool has_deeper = false;
        for (const auto& q : order)
            if (q.size() > p.size() && q.compare(0, p.size(), p) == 0 && q[p.size()] == '/') has_deeper = true;
        for (const auto& m : own[p])
            if (out.size() < 100) out.push_back({"schema", p, m});
        if (own[p].empty() && !has_deeper && !consequential[p].empty() && out.size() < 100)
            out.push_back({"schema", p, consequential[p].back()});
    }
    return out;
}

namespace {

// "/catalog/group[2]/control[1]" — local names with 1-based positions among same-named siblings.
std::string ElementPath(xmlNodePtr n) {
    std::string path;
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        int pos = 1;
        for (xmlNodePtr s = n->prev; s; s = s->prev)
            if (s->type == XML_ELEMENT_NODE && xmlStrEqual(s->name, n->name)) ++pos;
        std::string seg = "/" + std::string(reinterpret_cast<const char*>(n->name));
        if (n->parent && n->parent->type == XML_ELEMENT_NODE) seg += "[" + std::to_string(pos) + "]";
        path = seg + path;
    }
    return path;
}

}  // namespace

std::vector<ValidationIssue> XsdIssues(std::string_view xml_text) {
    auto& xsd = Xsd();
    std::vector<ValidationIssue> out;
    xmlDocPtr doc = xmlReadMemory(xml_text.data(), static_cast<int>(xml_text.size()), "input.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError* e = xmlGetLastError();
        out.push_back({"schema", "", std::string("malformed XML: ") + (e && e->message ? e->message : "unreadable"),
                       e ? e->line : 0});
        return out;
    }
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(xsd.schema);
    xmlSchemaSetValidStructuredErrors(
        vc,
        [](void* ctx, xmlErrorPtr e) {
            auto* issues = static_cast<std::vector<ValidationIssue>*>(ctx);
            if (issues->size() >= 100) return;
            std::string path = ElementPath(static_cast<xmlNodePtr>(e->node));
            std::string msg = e->message ? e->message : "invalid";
            while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
            // libxml2 names elements "{namespace}name"; the namespace is always OSCAL's here.
            std::string ns = "{" + std::string(kXmlNamespace) + "}";
            for (auto pos = msg.find(ns); pos != std::string::npos; pos = msg.find(ns)) msg.erase(pos, ns.size());
            issues->push_back({"schema", path, msg, e->line});
        },
        &out);
    xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    return out;
}

std::vector<ValidationIssue> RuleIssues(const Document& doc, const std::filesystem::path& base_dir) {
    return RuleChecker(doc).Run(base_dir);
}

ValidationReport ValidateText(std::string_view text, Format format, const std::filesystem::path& base_dir,
                              std::string_view source) {
    // Nesting too deep for the readers is refused, not reported: no reader (libxml2's included) sees it.
    CheckNesting(text, format, source);
    ValidationReport r;
    r.format = format;
    if (format == Format::kXml) {
        r.issues = XsdIssues(text);
        if (!r.issues.empty() && r.issues[0].message.starts_with("malformed XML")) return r;
    }
    Document doc;
    try {
        doc = Read(text, format, source);
    } catch (const Error& e) {
        // The model refuses the document (an unknown property, a wrong type …). For JSON and YAML, go on with
        // what the model accepts, so that the schema and the rules report every other problem too.
        auto partial = e.code() == ErrorCode::kInvalidInput && !e.details().empty()
                           ? ReadForValidation(text, format, source)
                           : std::nullopt;
        if (!partial || partial->problems.empty()) {
            if (format != Format::kXml || r.issues.empty()) FromError(e, r);
            return r;
        }
        r.model = partial->doc.model;
        for (const auto& d : partial->problems) r.issues.push_back({"schema", d.field, d.message, d.line});
        try {
            auto schema = SchemaIssues(partial->doc);
            r.issues.insert(r.issues.end(), schema.begin(), schema.end());
            auto rules = RuleIssues(partial->doc, base_dir);
            r.issues.insert(r.issues.end(), rules.begin(), rules.end());
        } catch (const std::exception&) {
            // What is left is too far from the model's shape for the rules; the problems above say where.
        }
        return r;
    }
    r.model = doc.model;
    if (format != Format::kXml) {
        auto s = SchemaIssues(doc);
        r.issues.insert(r.issues.end(), s.begin(), s.end());
    }
    auto rules = RuleIssues(doc, base_dir);
    r.issues.insert(r.issues.end(), rules.begin(), rules.end());
    return r;
}

ValidationReport ValidateFile(const std::filesystem::path& path, std::optional<Format> format) {
    std::string text = ReadText(path);
    Format f = format ? *format : FormatFromPath(path).value_or(SniffFormat(text));
    auto dir = path.parent_path();
    if (dir.empty()) dir = ".";
    return ValidateText(text, f, dir, path.string());
}

}  // namespace isms::oscal
