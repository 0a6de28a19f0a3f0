// OSCAL catalogs ↔ the product's frameworks (frameworks/controls rows), without the store.
//
// Import (FrameworkFromCatalog): every control and enhancement of a catalog becomes a framework control in
// document order; an enhancement records its control as parent. What the query language sees of a control
// (its attributes, field → values):
//   class            the control's class ("SP800-53", "SP800-53-enhancement")
//   group            ids of the groups the control sits in, outermost first ("ac")
//   parent           the id of the control an enhancement belongs to
//   <prop name>      each prop's values under its name, lower-cased with characters other than a-z, 0-9 and _
//                    replaced by _ ("sort-id" → sort_id, "label", "status")
// The OSCAL content of the control (params, props, links, parts, class) is kept whole in its extra JSON, and
// the catalog's metadata, parameters, back-matter and groups (without their controls) in CatalogParts, so
// that CatalogFromFramework gives the catalog back: import then export is lossless.
//
// Export of a framework that was not imported from OSCAL (the built-in ISO/IEC 27002:2022) is
// CatalogFromAttributes: ids "a.5.1" (OSCAL ids start with a letter; the label prop carries "5.1"), a group
// per theme, each attribute family as props in the namespace kIsmsNamespace, the organisation's licensed
// text, when it imported it, as parts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "isms/core/json.hpp"
#include "isms/oscal/document.hpp"

namespace isms::oscal {

// The namespace of the product's own OSCAL props (stable; documented in docs/oscal.md).
inline constexpr std::string_view kIsmsNamespace = "https://isms.dev/ns/oscal";
inline constexpr std::string_view kIso27002Namespace = "https://isms.dev/ns/iso27002";

struct FrameworkControl {
    std::string id;
    std::string title;
    std::string parent_id;  // "" for a top-level control
    int64_t position = 0;
    std::map<std::string, std::vector<std::string>> attributes;
    Json extra;  // the control's OSCAL content without child controls, plus "group_index"
};

struct Family {
    std::string name;
    std::string description;
    std::vector<std::string> values;  // closed vocabulary; empty = free text
};

// Everything of a catalog that is not a control.
struct CatalogParts {
    std::string uuid;
    Json metadata = Json::object();
    Json params = Json::array();
    Json groups = Json::array();  // the group tree without controls
    Json back_matter;              // null when absent
};

struct FrameworkData {
    std::string name, version;
    std::vector<Family> families;
    std::vector<FrameworkControl> controls;
    CatalogParts parts;
};

// kInvalidInput when the document is not a catalog or has no controls, or repeats a control id.
FrameworkData FrameworkFromCatalog(const Document& catalog);
Document CatalogFromFramework(const CatalogParts& parts, const std::vector<FrameworkControl>& controls);

struct AttributeControl {
    std::string id, title;
    std::map<std::string, std::vector<std::string>> attributes;
    std::map<std::string, std::string> text;  // licensed text fields (description, purpose, guidance, …)
};
// `title`, `version`: of the framework; `group_by`: the attribute whose values become groups ("theme").
Document CatalogFromAttributes(const std::string& title, const std::string& version, const std::string& group_by,
                               const std::vector<AttributeControl>& controls, const std::string& last_modified);

// The OSCAL id of a control of the built-in ISO/IEC 27002:2022 catalog as CatalogFromAttributes writes it:
// "5.1" → "a.5.1" (OSCAL ids start with a letter).
std::string IsoOscalId(std::string_view control_id);

// An attribute name for the query language from an OSCAL name.
std::string AttributeName(std::string_view oscal_name);

}  // namespace isms::oscal
