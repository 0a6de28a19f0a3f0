// What the OSCAL metaschema says about each definition, as the converters need it.
//
// The table (data/oscal/metaschema.json, embedded) is derived from NIST's OSCAL 1.1.2 complete XSD and JSON
// Schema by tools/oscal/gen_metaschema_table.py. For every assembly and field it records the flags (XML
// attributes, JSON properties), the content model in XML order with each child's XML element name and JSON
// key (the group-as name), whether it repeats, whether it is wrapped in an XML grouping element, where
// markup-multiline appears unwrapped (the "prose" of parts), and the data type of every value.
//
// Thread-safety: Get() builds the table once (thread-safe static) and it is read-only afterwards.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace isms::oscal::metaschema {

enum class ValueKind { kString, kInteger, kBoolean, kNumber, kMarkupLine, kMarkupMultiline };

struct Def;

struct Flag {
    std::string name;
    std::string datatype;  // "TokenDatatype", "UUIDDatatype", …
    ValueKind kind = ValueKind::kString;
    bool required = false;
};

struct ModelItem {
    std::string xml;        // element name
    std::string json;       // JSON/YAML key
    std::string group_xml;  // XML wrapper element around the repeated members ("" = none)
    bool many = false;      // repeats (a JSON array)
    bool required = false;
    bool choice = false;    // member of a choice
    bool prose = false;     // unwrapped markup-multiline (block elements straight inside the parent)
    const Def* def = nullptr;          // assembly or field definition; null for a simple field
    std::string datatype;              // simple field's data type (def == nullptr)
    ValueKind kind = ValueKind::kString;
};

struct Def {
    std::string id;
    bool assembly = true;
    std::vector<Flag> flags;
    // Fields: the value's type and, when the field has flags, the JSON key holding the value.
    std::string datatype;
    ValueKind kind = ValueKind::kString;
    std::string value_key;
    std::vector<ModelItem> model;  // assemblies: children in XML order

    const Flag* FlagNamed(std::string_view name) const;
    const ModelItem* ByXml(std::string_view element) const;  // also matches group wrappers
    const ModelItem* ByJson(std::string_view key) const;
    const ModelItem* Prose() const;
};

struct Table {
    std::string oscal_version;
    std::map<std::string, const Def*, std::less<>> roots;  // "catalog" → its definition
    std::map<std::string, Def, std::less<>> defs;
};

const Table& Get();
// The root definition of a model name ("catalog", "profile", …) or null.
const Def* Root(std::string_view model_name);

}  // namespace isms::oscal::metaschema
