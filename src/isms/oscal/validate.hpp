// Validating OSCAL documents: NIST's official schemas plus the rules schemas cannot express.
//
// Schema: JSON and YAML documents are checked against NIST's OSCAL 1.1.2 JSON Schema (valijson; its patterns
// use Unicode classes such as \p{L}, evaluated with ICU), XML documents against the OSCAL 1.1.2 XSD
// (libxml2). Both schemas are embedded (data/oscal/schemas).
//
// Rules beyond the schema ("reference" and "unique" issues):
//  * identifiers are unique: every uuid in the document; control, group, part and parameter ids together;
//    role ids; location and party uuids are covered by the uuid rule;
//  * references resolve: {{ insert: param, ID }} in a catalog's markup names a parameter of the catalog; an
//    href "#X" names a back-matter resource uuid or an id/uuid in the document; role-id names a role of the
//    metadata; party-uuids name parties;
//  * in a profile whose imports can be loaded (local files, back-matter resources), the control ids of
//    include/exclude-controls and alters and the param ids of set-parameters exist in the imported
//    catalogs. An import that cannot be loaded is reported as a note, not an error (the document itself is
//    valid; `oscal resolve` will fail on it).
//
// Thread-safety: re-entrant; the compiled schemas are built once and shared read-only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "isms/core/json.hpp"
#include "isms/oscal/document.hpp"

namespace isms::oscal {

struct ValidationIssue {
    std::string kind;      // "schema", "unique", "reference", "note"
    std::string path;      // JSON pointer (JSON/YAML) or XPath-like element path (XML)
    std::string message;   // what is wrong and what was expected
    int line = 0;          // 1-based line in the file, when known
};

struct ValidationReport {
    std::optional<Model> model;
    Format format = Format::kJson;
    std::vector<ValidationIssue> issues;

    bool ok() const;  // no issue other than notes
    Json ToJson() const;
};

// Validates a document given as text. `base_dir` is where relative import hrefs of profiles are looked up
// (empty: imports are not followed). Malformed input is reported as an issue, not thrown; nesting deeper than
// kMaxNesting levels is refused before any parser sees it (kInvalidInput, CheckNesting in document.hpp).
ValidationReport ValidateText(std::string_view text, Format format, const std::filesystem::path& base_dir = {},
                              std::string_view source = "input");
ValidationReport ValidateFile(const std::filesystem::path& path, std::optional<Format> format = std::nullopt);

// The parts, for callers that already hold a document (exports are checked this way in tests).
std::vector<ValidationIssue> SchemaIssues(const Document& doc);              // JSON Schema on the model
std::vector<ValidationIssue> XsdIssues(std::string_view xml_text);           // XSD on an XML text
std::vector<ValidationIssue> RuleIssues(const Document& doc, const std::filesystem::path& base_dir = {});

}  // namespace isms::oscal
