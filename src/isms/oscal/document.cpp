#include "isms/oscal/document.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <pugixml.hpp>
#include <regex>
#include <sstream>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"
#include "isms/oscal/markup.hpp"
#include "isms/oscal/metaschema.hpp"

namespace isms::oscal {

namespace ms = metaschema;

namespace {

constexpr Model kModels[] = {Model::kCatalog,           Model::kProfile,           Model::kComponentDefinition,
                             Model::kSystemSecurityPlan, Model::kAssessmentPlan,    Model::kAssessmentResults,
                             Model::kPlanOfActionAndMilestones};

std::string Join(const std::vector<std::string>& v, std::string_view sep = ", ") {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : "") + v[i];
    return out;
}

std::string Pointer(const std::string& path, const std::string& key) { return path + "/" + key; }

// ---- Typing and checking against the metaschema ------------------------------------------------------------

// Walks a value read from any format and gives it the metaschema's types. `lenient_scalars`: scalars arrive
// as strings (XML, YAML) and are converted to integers and booleans where the data type says so.
class Conformer {
public:
    explicit Conformer(bool lenient_scalars) : lenient_(lenient_scalars) {}

    Json Assembly(const Json& in, const ms::Def& def, const std::string& path) {
        if (!def.assembly) return Field(in, def, path);
        if (!in.is_object()) {
            Fail(path, "expected an object (" + Pretty(def) + ")");
            return Json::object();
        }
        Json out = Json::object();
        for (const auto& [key, value] : in.items()) {
            std::string p = Pointer(path, key);
            if (const auto* f = def.FlagNamed(key)) {
                out[key] = Scalar(value, f->kind, f->datatype, p);
            } else if (const auto* item = def.ByJson(key)) {
                out[key] = Item(value, *item, p);
            } else {
                Fail(p, fmt::format("property '{}' is not allowed here; allowed: {}", key, Allowed(def)));
            }
        }
        return out;
    }

    const std::vector<ErrorDetail>& errors() const { return errors_; }

private:
    Json Item(const Json& value, const ms::ModelItem& item, const std::string& path) {
        if (item.many) {
            if (!value.is_array()) {
                if (lenient_ && (value.is_object() || value.is_string())) {
                    // A YAML/XML reader never produces this; a hand-written YAML list of one may.
                    return Json::array({One(value, item, path + "/0")});
                }
                Fail(path, "expected an array");
                return Json::array();
            }
            Json arr = Json::array();
            for (size_t i = 0; i < value.size(); ++i) arr.push_back(One(value[i], item, path + "/" + std::to_string(i)));
            return arr;
        }
        if (value.is_array()) {
            Fail(path, "expected a single value, not an array");
            return nullptr;
        }
        return One(value, item, path);
    }

    Json One(const Json& value, const ms::ModelItem& item, const std::string& path) {
        if (item.def) return Assembly(value, *item.def, path);
        return Scalar(value, item.kind, item.datatype, path);
    }

    Json Field(const Json& in, const ms::Def& def, const std::string& path) {
        if (def.flags.empty()) return Scalar(in, def.kind, def.datatype, path);
        if (!in.is_object()) {
            Fail(path, fmt::format("expected an object with '{}' and the flags {}", def.value_key, FlagNames(def)));
            return Json::object();
        }
        Json out = Json::object();
        for (const auto& [key, value] : in.items()) {
            std::string p = Pointer(path, key);
            if (const auto* f = def.FlagNamed(key))
                out[key] = Scalar(value, f->kind, f->datatype, p);
            else if (key == def.value_key)
                out[key] = Scalar(value, def.kind, def.datatype, p);
            else
                Fail(p, fmt::format("property '{}' is not allowed here; allowed: {}, {}", key, def.value_key,
                                    FlagNames(def)));
        }
        return out;
    }

    Json Scalar(const Json& v, ms::ValueKind kind, const std::string& datatype, const std::string& path) {
        switch (kind) {
            case ms::ValueKind::kInteger:
                if (v.is_number_integer()) return v;
                if (lenient_ && v.is_string()) {
                    static const std::regex kInt("^[+-]?[0-9]{1,18}$");
                    std::string s = v.get<std::string>();
                    if (std::regex_match(s, kInt)) return std::stoll(s);
                }
                Fail(path, fmt::format("expected an integer ({})", datatype));
                return v;
            case ms::ValueKind::kNumber:
                if (v.is_number()) return v;
                if (lenient_ && v.is_string()) {
                    try {
                        return std::stod(v.get<std::string>());
                    } catch (const std::exception&) {
                    }
                }
                Fail(path, fmt::format("expected a number ({})", datatype));
                return v;
            case ms::ValueKind::kBoolean:
                if (v.is_boolean()) return v;
                if (lenient_ && v.is_string()) {
                    std::string s = v.get<std::string>();
                    if (s == "true" || s == "1") return true;
                    if (s == "false" || s == "0") return false;
                }
                Fail(path, fmt::format("expected a boolean (true or false)"));
                return v;
            default:
                if (v.is_string()) return v;
                if (lenient_ && v.is_null()) return "";
                Fail(path, fmt::format("expected a string ({})", datatype));
                return v;
        }
    }

    static std::string Pretty(const ms::Def& def) {
        auto id = def.id;
        auto dash = id.rfind('-');
        return dash == std::string::npos ? id : id.substr(0, dash);
    }
    static std::string FlagNames(const ms::Def& def) {
        std::vector<std::string> v;
        for (const auto& f : def.flags) v.push_back(f.name);
        return Join(v);
    }
    static std::string Allowed(const ms::Def& def) {
        std::vector<std::string> v;
        for (const auto& f : def.flags) v.push_back(f.name);
        for (const auto& m : def.model) v.push_back(m.json);
        return Join(v);
    }
    void Fail(const std::string& path, std::string msg) {
        if (errors_.size() < 50) errors_.push_back({.field = path, .message = std::move(msg)});
    }

    bool lenient_;
    std::vector<ErrorDetail> errors_;
};

[[noreturn]] void ThrowDetails(std::string_view source, std::string_view what, std::vector<ErrorDetail> details) {
    std::string first = details.empty() ? "" : details[0].field + ": " + details[0].message;
    throw Error::InvalidInput(fmt::format("{} is not a valid OSCAL {}: {}{}", source, what, first,
                                          details.size() > 1 ? fmt::format(" (and {} more)", details.size() - 1) : ""),
                              std::move(details));
}

void CheckVersion(const Json& body, std::string_view source) {
    auto md = body.find("metadata");
    if (md == body.end() || !md->is_object()) return;  // validation reports the missing metadata
    auto v = md->find("oscal-version");
    if (v == md->end() || !v->is_string()) return;
    std::string s = v->get<std::string>();
    static const std::regex kVersion(R"(^(\d+)\.(\d+)\.(\d+)(-.*)?$)");
    std::smatch m;
    if (!std::regex_match(s, m, kVersion))
        throw Error::InvalidInput(fmt::format("{}: oscal-version '{}' is not a version number (expected 1.0.x or 1.1.x)",
                                              source, s),
                                  {{.field = "/metadata/oscal-version", .message = "expected 1.0.x or 1.1.x"}});
    int major = std::stoi(m[1]), minor = std::stoi(m[2]);
    if (major != 1 || minor > 1)
        throw Error::InvalidInput(
            fmt::format("{}: OSCAL version {} is not supported; this release reads OSCAL 1.0.x and 1.1.x (writes {})",
                        source, s, kOscalVersion),
            {{.field = "/metadata/oscal-version", .message = "expected 1.0.x or 1.1.x", .allowed = {"1.0.x", "1.1.x"}}});
}

Document Finish(const Json& raw_body, Model model, bool lenient, std::string_view source,
                const std::function<int(const std::string&)>& line_of = nullptr) {
    const ms::Def* def = ms::Root(ModelName(model));
    Conformer c(lenient);
    Json body = c.Assembly(raw_body, *def, "/" + std::string(ModelName(model)));
    if (!c.errors().empty()) {
        auto details = c.errors();
        if (line_of)
            for (auto& d : details) d.line = line_of(d.field);
        ThrowDetails(source, std::string(ModelName(model)), std::move(details));
    }
    CheckVersion(body, source);
    return {model, std::move(body)};
}

std::string UnknownRootMessage(std::string_view source, std::string_view got) {
    return fmt::format("{}: '{}' is not an OSCAL document type; expected one of {}", source, got, Join(ModelNames()));
}

// ---- JSON ---------------------------------------------------------------------------------------------------

// The document type and the object under its root key, as parsed (not yet conformed to the model).
std::pair<Model, Json> JsonRoot(std::string_view text, std::string_view source) {
    Json j;
    try {
        j = Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
        auto [line, col] = LineColumn(text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        auto colon = what.rfind(": ");
        throw Error::InvalidInput(
            fmt::format("{}:{}:{}: malformed JSON: {}", source, line, col,
                        colon == std::string::npos ? what : what.substr(colon + 2)),
            {{.message = "malformed JSON", .line = line, .column = col}});
    }
    if (!j.is_object())
        throw Error::InvalidInput(fmt::format("{}: an OSCAL JSON document is an object with one of the keys {}", source,
                                              Join(ModelNames())));
    std::optional<Model> model;
    for (const auto& [key, value] : j.items()) {
        if (key == "$schema") continue;
        auto m = ParseModel(key);
        if (!m || model) throw Error::InvalidInput(UnknownRootMessage(source, key));
        model = m;
    }
    if (!model) throw Error::InvalidInput(UnknownRootMessage(source, "(empty object)"));
    return {*model, std::move(j.at(std::string(ModelName(*model))))};
}

Document ReadJson(std::string_view text, std::string_view source) {
    auto [model, body] = JsonRoot(text, source);
    return Finish(body, model, false, source);
}

// Keys in the metaschema's order: flags, then the content model.
nlohmann::ordered_json Ordered(const Json& v, const ms::Def* def, const ms::ModelItem* item) {
    if (item && item->many && v.is_array()) {
        auto arr = nlohmann::ordered_json::array();
        ms::ModelItem one = *item;
        one.many = false;
        for (const auto& e : v) arr.push_back(Ordered(e, def, &one));
        return arr;
    }
    if (!v.is_object() || !def) return v;
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& f : def->flags)
        if (auto it = v.find(f.name); it != v.end()) out[f.name] = *it;
    if (!def->assembly) {
        if (auto it = v.find(def->value_key); it != v.end()) out[def->value_key] = *it;
    } else {
        for (const auto& m : def->model)
            if (auto it = v.find(m.json); it != v.end()) out[m.json] = Ordered(*it, m.def, &m);
    }
    for (const auto& [k, val] : v.items())  // anything unknown last (the writers reject it elsewhere)
        if (!out.contains(k)) out[k] = val;
    return out;
}

nlohmann::ordered_json OrderedRoot(const Document& doc) {
    nlohmann::ordered_json root = nlohmann::ordered_json::object();
    root[std::string(doc.Name())] = Ordered(doc.body, ms::Root(doc.Name()), nullptr);
    return root;
}

// ---- YAML ---------------------------------------------------------------------------------------------------

Json FromYaml(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map: {
            Json o = Json::object();
            for (const auto& kv : n) o[kv.first.as<std::string>()] = FromYaml(kv.second);
            return o;
        }
        case YAML::NodeType::Sequence: {
            Json a = Json::array();
            for (const auto& e : n) a.push_back(FromYaml(e));
            return a;
        }
        case YAML::NodeType::Scalar:
            return n.Scalar();
        default:
            return nullptr;
    }
}

// Line of a JSON pointer in the YAML tree (best effort, for error messages).
int YamlLine(const YAML::Node& root, const std::string& pointer) {
    YAML::Node cur = root;
    int line = cur.Mark().line + 1;
    size_t start = 1;
    while (start <= pointer.size()) {
        auto end = pointer.find('/', start);
        if (end == std::string::npos) end = pointer.size();
        std::string seg = pointer.substr(start, end - start);
        start = end + 1;
        YAML::Node next;
        if (cur.IsMap()) {
            next = cur[seg];
        } else if (cur.IsSequence()) {
            try {
                next = cur[std::stoul(seg)];
            } catch (const std::exception&) {
                break;
            }
        }
        if (!next.IsDefined()) break;
        cur = next;
        if (cur.Mark().line >= 0) line = cur.Mark().line + 1;
    }
    return line;
}

std::pair<Model, YAML::Node> YamlRoot(std::string_view text, std::string_view source) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw Error::InvalidInput(fmt::format("{}:{}:{}: malformed YAML: {}", source, e.mark.line + 1,
                                              e.mark.column + 1, e.msg),
                                  {{.message = "malformed YAML: " + e.msg, .line = e.mark.line + 1,
                                    .column = e.mark.column + 1}});
    }
    if (!root.IsMap())
        throw Error::InvalidInput(fmt::format("{}: an OSCAL YAML document is a mapping with one of the keys {}", source,
                                              Join(ModelNames())));
    std::optional<Model> model;
    YAML::Node body;
    for (const auto& kv : root) {
        std::string key = kv.first.Scalar();
        if (key == "$schema") continue;
        auto m = ParseModel(key);
        if (!m || model) throw Error::InvalidInput(UnknownRootMessage(source, key));
        model = m;
        body = kv.second;
    }
    if (!model) throw Error::InvalidInput(UnknownRootMessage(source, "(empty mapping)"));
    return {*model, body};
}

Document ReadYaml(std::string_view text, std::string_view source) {
    auto [model, body] = YamlRoot(text, source);
    std::string prefix = "/" + std::string(ModelName(model));
    return Finish(FromYaml(body), model, true, source, [&, body = body](const std::string& ptr) {
        return YamlLine(body, ptr.substr(std::min(ptr.size(), prefix.size())));
    });
}

bool NeedsQuotes(const std::string& s) {
    if (s.empty()) return true;
    static const std::regex kPlainTrouble(
        R"(^([-+]?[0-9.]+([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|)"
        R"(true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|null|Null|NULL|~)$)");
    if (std::regex_match(s, kPlainTrouble)) return true;
    return s.front() == ' ' || s.back() == ' ' || s.find('\n') != std::string::npos ||
           s.find('\t') != std::string::npos;
}

void EmitYaml(YAML::Emitter& e, const nlohmann::ordered_json& v) {
    if (v.is_object()) {
        e << YAML::BeginMap;
        for (const auto& [k, val] : v.items()) {
            e << YAML::Key << k << YAML::Value;
            EmitYaml(e, val);
        }
        e << YAML::EndMap;
    } else if (v.is_array()) {
        e << YAML::BeginSeq;
        for (const auto& val : v) EmitYaml(e, val);
        e << YAML::EndSeq;
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (NeedsQuotes(s))
            e << YAML::DoubleQuoted << s;
        else
            e << s;
    } else if (v.is_boolean()) {
        e << (v.get<bool>() ? "true" : "false");
    } else if (v.is_null()) {
        e << YAML::Null;
    } else {
        e << v.dump();
    }
}

// ---- XML ----------------------------------------------------------------------------------------------------

class XmlReader {
public:
    XmlReader(std::string_view text, std::string_view source) : text_(text), source_(source) {}

    Json Assembly(const pugi::xml_node& el, const ms::Def& def, const std::string& path) {
        if (!def.assembly) return Field(el, def, path);
        Json out = Json::object();
        Flags(el, def, out, path);
        std::vector<pugi::xml_node> prose;
        const ms::ModelItem* prose_item = def.Prose();
        for (auto c = el.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
                std::string_view t = c.value();
                if (t.find_first_not_of(" \t\r\n") != std::string_view::npos)
                    Fail(c, path, fmt::format("text is not allowed directly inside <{}>", el.name()));
                continue;
            }
            if (c.type() != pugi::node_element) continue;
            std::string name = LocalName(c);
            if (prose_item && markup::IsBlockElement(name)) {
                prose.push_back(c);
                continue;
            }
            const ms::ModelItem* item = def.ByXml(name);
            if (!item) {
                Fail(c, path, fmt::format("element <{}> is not allowed in <{}>; allowed: {}", name, el.name(),
                                          AllowedElements(def)));
                continue;
            }
            std::string p = Pointer(path, item->json);
            if (!item->group_xml.empty()) {
                Json& arr = out[item->json];
                if (!arr.is_array()) arr = Json::array();
                for (auto m = c.first_child(); m; m = m.next_sibling()) {
                    if (m.type() != pugi::node_element) continue;
                    if (LocalName(m) != item->xml) {
                        Fail(m, p, fmt::format("element <{}> is not allowed in <{}>; expected <{}>", LocalName(m),
                                               item->group_xml, item->xml));
                        continue;
                    }
                    arr.push_back(Value(m, *item, p + "/" + std::to_string(arr.size())));
                }
            } else if (item->many) {
                Json& arr = out[item->json];
                if (!arr.is_array()) arr = Json::array();
                arr.push_back(Value(c, *item, p + "/" + std::to_string(arr.size())));
            } else {
                if (out.contains(item->json)) Fail(c, path, fmt::format("<{}> may appear only once here", name));
                out[item->json] = Value(c, *item, p);
            }
        }
        if (!prose.empty()) {
            markup::Markup m;
            std::vector<std::string> unknown;
            for (const auto& n : prose) m.push_back(markup::ElementFromXml(n, &unknown));
            ReportUnknownMarkup(unknown, prose.front(), path);
            markup::Normalise(m, true);
            out[prose_item->json] = markup::ToMarkdown(m, true);
        }
        return out;
    }

    void Fail(const pugi::xml_node& n, const std::string& path, std::string msg) {
        auto [line, col] = LineColumn(text_, static_cast<size_t>(n.offset_debug()));
        if (errors_.size() < 50)
            errors_.push_back({.field = path, .message = std::move(msg), .line = line, .column = col});
    }
    std::vector<ErrorDetail>& errors() { return errors_; }

    static std::string LocalName(const pugi::xml_node& n) {
        std::string name = n.name();
        auto colon = name.find(':');
        return colon == std::string::npos ? name : name.substr(colon + 1);
    }

private:
    Json Value(const pugi::xml_node& el, const ms::ModelItem& item, const std::string& path) {
        if (item.def) return Assembly(el, *item.def, path);
        NoAttributes(el, path);
        return Scalar(el, item.kind, path);
    }

    Json Field(const pugi::xml_node& el, const ms::Def& def, const std::string& path) {
        if (def.flags.empty()) {
            NoAttributes(el, path);
            return Scalar(el, def.kind, path);
        }
        Json out = Json::object();
        Flags(el, def, out, path);
        out[def.value_key] = Scalar(el, def.kind, Pointer(path, def.value_key));
        return out;
    }

    Json Scalar(const pugi::xml_node& el, ms::ValueKind kind, const std::string& path) {
        if (kind == ms::ValueKind::kMarkupLine || kind == ms::ValueKind::kMarkupMultiline) {
            bool multi = kind == ms::ValueKind::kMarkupMultiline;
            std::vector<std::string> unknown;
            markup::Markup m = markup::FromXml(el, multi, &unknown);
            ReportUnknownMarkup(unknown, el, path);
            markup::Normalise(m, multi);
            return markup::ToMarkdown(m, multi);
        }
        std::string s;
        for (auto c = el.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata)
                s += c.value();
            else if (c.type() == pugi::node_element)
                Fail(c, path, fmt::format("<{}> holds a plain value; element <{}> is not allowed in it", el.name(),
                                          c.name()));
        }
        return s;
    }

    void Flags(const pugi::xml_node& el, const ms::Def& def, Json& out, const std::string& path) {
        for (auto a = el.first_attribute(); a; a = a.next_attribute()) {
            std::string name = a.name();
            if (name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xsi:") || name == "xml:lang")
                continue;
            if (!def.FlagNamed(name)) {
                std::vector<std::string> names;
                for (const auto& f : def.flags) names.push_back(f.name);
                Fail(el, Pointer(path, name),
                     fmt::format("attribute '{}' is not allowed on <{}>; allowed: {}", name, el.name(),
                                 names.empty() ? "none" : Join(names)));
                continue;
            }
            out[name] = a.value();
        }
    }

    void NoAttributes(const pugi::xml_node& el, const std::string& path) {
        for (auto a = el.first_attribute(); a; a = a.next_attribute()) {
            std::string name = a.name();
            if (name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xsi:")) continue;
            Fail(el, Pointer(path, name), fmt::format("<{}> takes no attributes ('{}')", el.name(), name));
        }
    }

    void ReportUnknownMarkup(const std::vector<std::string>& unknown, const pugi::xml_node& at,
                             const std::string& path) {
        for (const auto& u : unknown)
            Fail(at, path, fmt::format("element <{}> is not OSCAL markup (allowed: p, h1-h6, ul, ol, li, pre, "
                                       "blockquote, table, tr, th, td, hr, em, strong, code, a, q, insert, sub, sup, img)",
                                       u));
    }

    static std::string AllowedElements(const ms::Def& def) {
        std::vector<std::string> v;
        for (const auto& m : def.model) v.push_back(m.prose ? "p/ul/ol/table/…" : m.group_xml.empty() ? m.xml : m.group_xml);
        return Join(v);
    }

    std::string_view text_;
    std::string_view source_;
    std::vector<ErrorDetail> errors_;
};

Document ReadXml(std::string_view text, std::string_view source) {
    pugi::xml_document xml;
    auto res = xml.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata,
                               pugi::encoding_utf8);
    if (!res) {
        auto [line, col] = LineColumn(text, static_cast<size_t>(res.offset));
        throw Error::InvalidInput(fmt::format("{}:{}:{}: malformed XML: {}", source, line, col, res.description()),
                                  {{.message = std::string("malformed XML: ") + res.description(), .line = line,
                                    .column = col}});
    }
    auto root = xml.document_element();
    std::string name = XmlReader::LocalName(root);
    auto model = ParseModel(name);
    if (!model) throw Error::InvalidInput(UnknownRootMessage(source, "<" + name + ">"));
    std::string ns_attr = "xmlns";
    if (auto colon = std::string(root.name()).find(':'); colon != std::string::npos)
        ns_attr += ":" + std::string(root.name()).substr(0, colon);
    std::string ns = root.attribute(ns_attr.c_str()).value();
    if (ns != kXmlNamespace)
        throw Error::InvalidInput(
            fmt::format("{}: <{}> is not in the OSCAL namespace (found xmlns=\"{}\", expected \"{}\")", source, name, ns,
                        kXmlNamespace),
            {{.field = "/" + name, .message = "wrong namespace", .allowed = {std::string(kXmlNamespace)}}});
    XmlReader reader(text, source);
    std::string path = "/" + name;
    Json raw = reader.Assembly(root, *metaschema::Root(name), path);
    if (!reader.errors().empty()) ThrowDetails(source, name, reader.errors());
    // XML lines for type errors: the path is enough to find them; the conformer has no XML positions.
    return Finish(raw, *model, true, source);
}

class XmlWriter {
public:
    void Assembly(pugi::xml_node el, const Json& v, const ms::Def& def, const std::string& path) {
        if (!def.assembly) return Field(el, v, def, path);
        if (!v.is_object()) throw Bad(path, "expected an object");
        for (const auto& f : def.flags)
            if (auto it = v.find(f.name); it != v.end()) el.append_attribute(f.name.c_str()).set_value(ScalarText(*it).c_str());
        for (const auto& m : def.model) {
            auto it = v.find(m.json);
            if (it == v.end()) continue;
            std::string p = Pointer(path, m.json);
            if (m.prose) {
                markup::ToXml(Markdown(it->get<std::string>(), true, p), el);
                continue;
            }
            if (m.many) {
                if (!it->is_array()) throw Bad(p, "expected an array");
                pugi::xml_node parent = m.group_xml.empty() ? el : el.append_child(m.group_xml.c_str());
                for (size_t i = 0; i < it->size(); ++i)
                    One(parent.append_child(m.xml.c_str()), (*it)[i], m, p + "/" + std::to_string(i));
            } else {
                One(el.append_child(m.xml.c_str()), *it, m, p);
            }
        }
        for (const auto& [k, val] : v.items())
            if (!def.FlagNamed(k) && !def.ByJson(k)) throw Bad(Pointer(path, k), "property not allowed here");
    }

private:
    void One(pugi::xml_node el, const Json& v, const ms::ModelItem& m, const std::string& path) {
        if (m.def)
            Assembly(el, v, *m.def, path);
        else
            Scalar(el, v, m.kind, path);
    }

    void Field(pugi::xml_node el, const Json& v, const ms::Def& def, const std::string& path) {
        if (def.flags.empty()) return Scalar(el, v, def.kind, path);
        if (!v.is_object()) throw Bad(path, "expected an object");
        for (const auto& f : def.flags)
            if (auto it = v.find(f.name); it != v.end()) el.append_attribute(f.name.c_str()).set_value(ScalarText(*it).c_str());
        if (auto it = v.find(def.value_key); it != v.end()) Scalar(el, *it, def.kind, Pointer(path, def.value_key));
    }

    static void Scalar(pugi::xml_node el, const Json& v, ms::ValueKind kind, const std::string& path) {
        if (kind == ms::ValueKind::kMarkupLine || kind == ms::ValueKind::kMarkupMultiline) {
            bool multi = kind == ms::ValueKind::kMarkupMultiline;
            markup::ToXml(Markdown(v.is_string() ? v.get<std::string>() : ScalarText(v), multi, path), el);
            return;
        }
        el.append_child(pugi::node_pcdata).set_value(ScalarText(v).c_str());
    }

    static std::string ScalarText(const Json& v) {
        if (v.is_string()) return v.get<std::string>();
        if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
        return v.dump();
    }

    static Error Bad(const std::string& path, const std::string& msg) {
        return Error::InvalidInput(fmt::format("cannot write OSCAL XML: {}: {}", path, msg), {{.field = path, .message = msg}});
    }
    // Markdown read for XML; a refusal (nesting too deep) names the value's place in the document.
    static markup::Markup Markdown(const std::string& md, bool multiline, const std::string& path) {
        try {
            return markup::ParseMarkdown(md, multiline);
        } catch (const Error& e) {
            throw Bad(path, e.what());
        }
    }
};

// Writes without inserting whitespace into mixed content: pugixml's indentation is used only for elements
// whose content is elements alone.
struct StringWriter : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

// Mixed-content elements (markup) must not be indented; pugixml indents an element's children unless the
// element holds text, so markup containers with only element children (ul, ol, table, tr) are fine, and
// inline containers always hold text. Blocks of prose inside assemblies are siblings of elements, which is
// allowed whitespace.

Json CanonicalValue(const Json& v, const ms::Def* def, const ms::ModelItem* item);

Json CanonicalScalar(const Json& v, ms::ValueKind kind) {
    if (!v.is_string()) return v;
    if (kind == ms::ValueKind::kMarkupLine) return markup::Canonical(v.get<std::string>(), false);
    if (kind == ms::ValueKind::kMarkupMultiline) return markup::Canonical(v.get<std::string>(), true);
    return v;
}

Json CanonicalValue(const Json& v, const ms::Def* def, const ms::ModelItem* item) {
    if (item && item->many && v.is_array()) {
        Json arr = Json::array();
        ms::ModelItem one = *item;
        one.many = false;
        for (const auto& e : v) arr.push_back(CanonicalValue(e, def, &one));
        return arr;
    }
    if (!def) return CanonicalScalar(v, item ? item->kind : ms::ValueKind::kString);
    if (!def->assembly && def->flags.empty()) return CanonicalScalar(v, def->kind);
    if (!v.is_object()) return v;
    Json out = Json::object();
    for (const auto& [k, val] : v.items()) {
        if (!def->assembly && k == def->value_key) {
            out[k] = CanonicalScalar(val, def->kind);
        } else if (const auto* m = def->assembly ? def->ByJson(k) : nullptr) {
            out[k] = m->prose ? CanonicalScalar(val, ms::ValueKind::kMarkupMultiline) : CanonicalValue(val, m->def, m);
        } else {
            out[k] = val;
        }
    }
    return out;
}

}  // namespace

std::string_view FormatName(Format f) {
    switch (f) {
        case Format::kJson: return "json";
        case Format::kXml: return "xml";
        case Format::kYaml: return "yaml";
    }
    return "json";
}

std::optional<Format> ParseFormat(std::string_view name) {
    if (name == "json") return Format::kJson;
    if (name == "xml") return Format::kXml;
    if (name == "yaml" || name == "yml") return Format::kYaml;
    return std::nullopt;
}

std::optional<Format> FormatFromPath(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext.empty()) return std::nullopt;
    return ParseFormat(ext.substr(1));
}

Format SniffFormat(std::string_view text) {
    size_t i = 0;
    if (text.starts_with("\xEF\xBB\xBF")) i = 3;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i < text.size() && text[i] == '<') return Format::kXml;
    if (i < text.size() && (text[i] == '{' || text[i] == '[')) return Format::kJson;
    return Format::kYaml;
}

std::string_view ModelName(Model m) {
    switch (m) {
        case Model::kCatalog: return "catalog";
        case Model::kProfile: return "profile";
        case Model::kComponentDefinition: return "component-definition";
        case Model::kSystemSecurityPlan: return "system-security-plan";
        case Model::kAssessmentPlan: return "assessment-plan";
        case Model::kAssessmentResults: return "assessment-results";
        case Model::kPlanOfActionAndMilestones: return "plan-of-action-and-milestones";
    }
    return "catalog";
}

std::optional<Model> ParseModel(std::string_view root_name) {
    for (auto m : kModels)
        if (ModelName(m) == root_name) return m;
    return std::nullopt;
}

std::vector<std::string> ModelNames() {
    std::vector<std::string> v;
    for (auto m : kModels) v.emplace_back(ModelName(m));
    return v;
}

// The offset of the first byte that is not part of well-formed UTF-8, or npos.
size_t InvalidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return i;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return i;
        if (n == 3) {
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return i;  // overlong, surrogates
        }
        if (n == 4) {
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return i;
        }
        i += n;
    }
    return std::string_view::npos;
}

void CheckNesting(std::string_view text, Format format, std::string_view source) {
    switch (format) {
        case Format::kJson: CheckJsonNesting(text, source); return;
        case Format::kXml: CheckXmlNesting(text, source); return;
        case Format::kYaml:
            try {
                CheckYamlNesting(text, source);
            } catch (const YAML::Exception&) {
                // Malformed: ReadYaml says where.
            }
            return;
    }
}

Document Read(std::string_view text, Format format, std::string_view source) {
    // OSCAL documents are UTF-8 (JSON's parser checks its own input).
    if (format != Format::kJson) {
        if (auto bad = InvalidUtf8(text); bad != std::string_view::npos) {
            auto [line, col] = LineColumn(text, bad);
            throw Error::InvalidInput(fmt::format("{}:{}:{}: the document is not valid UTF-8", source, line, col),
                                      {{.message = "not valid UTF-8", .line = line, .column = col}});
        }
    }
    CheckNesting(text, format, source);
    switch (format) {
        case Format::kJson: return ReadJson(text, source);
        case Format::kXml: return ReadXml(text, source);
        case Format::kYaml: return ReadYaml(text, source);
    }
    throw Error::Internal("unknown format");
}

std::optional<ConformedDocument> ReadForValidation(std::string_view text, Format format, std::string_view source) {
    auto conform = [](const Json& raw, Model model, bool lenient) {
        Conformer c(lenient);
        ConformedDocument out;
        out.doc = {model, c.Assembly(raw, *ms::Root(ModelName(model)), "/" + std::string(ModelName(model)))};
        out.problems = c.errors();
        return out;
    };
    try {
        switch (format) {
            case Format::kJson: {
                auto [model, body] = JsonRoot(text, source);
                return conform(body, model, false);
            }
            case Format::kYaml: {
                if (InvalidUtf8(text) != std::string_view::npos) return std::nullopt;
                auto [model, body] = YamlRoot(text, source);
                auto out = conform(FromYaml(body), model, true);
                std::string prefix = "/" + std::string(ModelName(model));
                for (auto& d : out.problems) d.line = YamlLine(body, d.field.substr(std::min(d.field.size(), prefix.size())));
                return out;
            }
            case Format::kXml: return std::nullopt;
        }
    } catch (const Error&) {
    }
    return std::nullopt;
}

std::string DerivedUuid(std::string_view seed) {
    std::string h = crypto::Sha256Hex(seed);
    h[12] = '4';
    h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

std::string ReadText(const std::filesystem::path& path, size_t max_bytes) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error::NotFound(fmt::format("file not found: {}", path.string()));
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes)
        throw Error(ErrorCode::kTooLarge, fmt::format("{} is {} bytes; the limit is {}", path.string(), size, max_bytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error::NotFound(fmt::format("cannot read {}", path.string()));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Document ReadFile(const std::filesystem::path& path, std::optional<Format> format) {
    std::string text = ReadText(path);
    Format f = format ? *format : FormatFromPath(path).value_or(SniffFormat(text));
    return Read(text, f, path.string());
}

std::string Write(const Document& doc, Format format) {
    switch (format) {
        case Format::kJson: return OrderedRoot(doc).dump(2) + "\n";
        case Format::kYaml: {
            YAML::Emitter e;
            e.SetIndent(2);
            e << YAML::BeginDoc;
            EmitYaml(e, OrderedRoot(doc));
            return std::string(e.c_str()) + "\n";
        }
        case Format::kXml: {
            pugi::xml_document xml;
            auto decl = xml.append_child(pugi::node_declaration);
            decl.append_attribute("version") = "1.0";
            decl.append_attribute("encoding") = "UTF-8";
            auto root = xml.append_child(std::string(doc.Name()).c_str());
            root.append_attribute("xmlns") = std::string(kXmlNamespace).c_str();
            XmlWriter w;
            w.Assembly(root, doc.body, *metaschema::Root(doc.Name()), "/" + std::string(doc.Name()));
            StringWriter sw;
            xml.save(sw, "  ", pugi::format_indent, pugi::encoding_utf8);
            return sw.out;
        }
    }
    throw Error::Internal("unknown format");
}

Json Canonical(const Document& doc) {
    return {{std::string(doc.Name()), CanonicalValue(doc.body, metaschema::Root(doc.Name()), nullptr)}};
}

}  // namespace isms::oscal
