// Profile resolution: a profile and the catalogs (or profiles) it imports become one resolved catalog,
// following NIST's OSCAL profile resolution specification (usnistgov/OSCAL src/specifications/
// profile-resolution). The rules and the product's choices where the specification leaves room are
// documented in docs/oscal.md.
//
//  * import: include-all, include-controls (with-ids, matching glob patterns, with-child-controls),
//    exclude-controls (exclusion prevails); hrefs to local files (relative to the importing document) and to
//    back-matter resources ("#uuid", rlink or base64); imported profiles are resolved first; a cycle of
//    imports is an error naming the chain.
//  * merge: as-is (the source structure: groups and nesting), flat (every control at top level, no groups),
//    custom (the profile's own groups with insert-controls); no merge directive is flat. combine use-first
//    (the default) keeps the first of duplicate controls, keep requires duplicates to be identical.
//  * modify: set-parameters (label, usage, values, select replaced; props, links, constraints, guidelines
//    added), alters with adds at every position (before, after, starting, ending; by-id) and removes by id,
//    name, class, ns and item-name.
//  * back-matter: the imported catalogs' resources that the resolved catalog still references, and the
//    profile's own resources other than those naming imports.
//  * metadata: the profile's, with last-modified set to the time of resolution, a link rel="source-profile"
//    to the profile and a resolution-tool prop; a new catalog uuid derived from the profile's.
//
// Errors (isms::Error): kNotFound "import not found" naming the href and where it was looked for;
// kInvalidInput for a cycle of imports, a document that is not a profile or catalog, a with-id or alter
// naming a control the imports do not provide (with the JSON pointer of the directive), and a profile
// deeper than 32 imports.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "isms/oscal/document.hpp"

namespace isms::oscal {

struct ResolveOptions {
    std::filesystem::path base_dir;  // where relative hrefs of the profile are looked up
    // False for profiles from requests: an href that names a file (relative or absolute) is not read but "not
    // found", so that a request can neither read nor probe the server's files.
    bool read_files = true;
    // Consulted first for hrefs that are not back-matter fragments (#uuid): the catalog or profile the href
    // stands for, with `where` set to a name for messages, or nullopt to go on (files, if read_files).
    std::function<std::optional<Document>(const std::string& href, std::string* where)> load;
    std::string source;              // the profile's location, for the source-profile link ("" = none)
    std::string timestamp;           // last-modified of the result; "" = now (tests pass a fixed one)
    std::vector<std::string> stack;  // profiles being resolved (cycle detection); callers leave it empty
};

Document Resolve(const Document& profile, const ResolveOptions& options);
Document ResolveFile(const std::filesystem::path& profile_path, const ResolveOptions& options = {});

// The catalog an import href of `importer` stands for: loaded from a file or a back-matter resource, and
// resolved when it is a profile.
Document ResolveImport(const Document& importer, const std::string& href, const ResolveOptions& options);

}  // namespace isms::oscal
