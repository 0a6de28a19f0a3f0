// OSCAL documents: one in-memory model for all seven document types, read from and written to OSCAL's
// JSON, XML and YAML forms.
//
// The model is the document's JSON form (isms::Json) under its root key: the metaschema defines one
// information model with three spellings, and its JSON spelling is the one closest to a tree of values.
// Reading any format yields the same Document; markup-multiline is Markdown and markup-line inline Markdown in
// the model, as in OSCAL JSON. Values are typed as the metaschema says (integers and booleans are JSON numbers
// and booleans whatever the input format). Writing follows the metaschema's order of flags and content, so
// XML output is valid against the content model and JSON/YAML output reads like NIST's.
//
// Errors: malformed input (with line and column), a root that is not an OSCAL document, an OSCAL version this
// release cannot read, an element or property the metaschema does not allow where it stands, and a value of
// the wrong type (with its JSON pointer path, and the line for XML and YAML) all throw Error(kInvalidInput).
// Structural completeness (required properties, patterns) is left to Validate() (validate.hpp).
//
// Thread-safety: functions are re-entrant; Documents are plain values.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "isms/core/error.hpp"
#include "isms/core/json.hpp"

namespace isms::oscal {

enum class Format { kJson, kXml, kYaml };
enum class Model {
    kCatalog,
    kProfile,
    kComponentDefinition,
    kSystemSecurityPlan,
    kAssessmentPlan,
    kAssessmentResults,
    kPlanOfActionAndMilestones,
};

std::string_view FormatName(Format f);                   // "json", "xml", "yaml"
std::optional<Format> ParseFormat(std::string_view name);  // also "yml"
// By extension (.json, .xml, .yaml, .yml); nullopt otherwise.
std::optional<Format> FormatFromPath(const std::filesystem::path& path);
// By the first significant character: '<' XML, '{' or '[' JSON, otherwise YAML.
Format SniffFormat(std::string_view text);

std::string_view ModelName(Model m);  // the root name: "catalog", "system-security-plan", …
std::optional<Model> ParseModel(std::string_view root_name);
std::vector<std::string> ModelNames();

// The OSCAL namespace of XML documents and the version this release writes.
inline constexpr std::string_view kXmlNamespace = "http://csrc.nist.gov/ns/oscal/1.0";
inline constexpr std::string_view kOscalVersion = "1.1.2";

struct Document {
    Model model = Model::kCatalog;
    Json body = Json::object();  // the object under the root key, in the JSON form

    std::string_view Name() const { return ModelName(model); }
};

// Refuses `text` when it nests deeper than kMaxNesting levels in `format` (isms/core/nesting.hpp): kInvalidInput
// naming `source`, line and column. Malformed text passes (the reader reports it). Read calls it first.
void CheckNesting(std::string_view text, Format format, std::string_view source);
// Parses `text` in `format`. `source` names the input in error messages (a file name). Throws kInvalidInput
// for malformed text, text that is not UTF-8, nesting deeper than kMaxNesting, and what is not OSCAL.
Document Read(std::string_view text, Format format, std::string_view source = "input");
// Reads a file; the format comes from the extension or, failing that, from the content. Throws kNotFound
// when the file does not exist.
Document ReadFile(const std::filesystem::path& path, std::optional<Format> format = std::nullopt);
std::string Write(const Document& doc, Format format);
// For validation: a JSON or YAML document that parses and names its type, conformed to the model as far as it
// goes (what the model refuses, such as an unknown property, is left out) with the problems the model found, so
// that the schema and the rules can go on to report every other problem. nullopt when the text does not parse,
// names no document type, or is XML (which the XSD checks as written).
struct ConformedDocument {
    Document doc;
    std::vector<ErrorDetail> problems;  // field: a JSON pointer; line for YAML
};
std::optional<ConformedDocument> ReadForValidation(std::string_view text, Format format, std::string_view source);

// The document with every markup value in canonical form (markup.hpp): two spellings of the same content
// compare equal. Used to test round trips and to compare resolved catalogs.
Json Canonical(const Document& doc);

// A uuid in version-4 layout derived from `seed` (SHA-256), so that the same input always gives the same
// document (resolved catalogs, exports).
std::string DerivedUuid(std::string_view seed);

// Reads a whole file into a string; kNotFound when missing, kTooLarge past `max_bytes`.
std::string ReadText(const std::filesystem::path& path, size_t max_bytes = 256u << 20);

}  // namespace isms::oscal
