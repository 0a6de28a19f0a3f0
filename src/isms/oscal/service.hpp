// The OSCAL service: imported catalogs as frameworks of the organisation, and exports of frameworks as OSCAL
// catalogs. A thin layer between the OSCAL model (document.hpp, framework.hpp) and the store; the catalog
// service (isms/catalog) lists, filters and shows the imported controls with the same query language as the
// built-in catalog (props and classes are attributes; see framework.hpp).
//
// Permissions: import needs kCatalogEdit; export needs kRead.
// Errors: kInvalidInput for a document that is not a catalog, a bad framework id or a catalog with repeated
// control ids (nothing is stored); kConflict when the organisation already has a framework of that id;
// kNotFound for an unknown framework on export.
// Thread-safety: methods may be called from many threads.
#pragma once

#include <string>
#include <string_view>

#include "isms/catalog/catalog.hpp"
#include "isms/oscal/document.hpp"
#include "isms/store/store.hpp"

namespace isms::oscal {

struct CatalogImport {
    std::string framework_id;
    std::string name;
    int controls = 0;      // top-level controls
    int enhancements = 0;  // controls within controls
    int attributes = 0;    // attribute families the query language offers
};

class OscalService {
public:
    OscalService(store::Store& store, catalog::CatalogService& catalog) : store_(store), catalog_(catalog) {}

    // One transaction: the framework, its controls, the catalog's other parts and one change-log entry
    // (entity "framework", op "import"). `framework_id`: lower-case letters, digits, '.', '-', '_'; "" derives
    // one from the catalog's title. `source`: where it came from (a file name), shown with the framework.
    CatalogImport ImportCatalog(const Context& ctx, const Document& catalog, std::string framework_id,
                                const std::string& source);

    // An imported framework gives back its catalog; the built-in ISO/IEC 27002:2022 becomes a catalog of ids,
    // titles and attribute props (with the organisation's attribute overrides and, when it imported its
    // licensed text, that text as parts). `last_modified` "" = now.
    Document ExportCatalog(const Context& ctx, std::string_view framework_id, const std::string& last_modified = "");

    // Resolves a profile a user sent (the API): its imports are the organisation's frameworks — named
    // "isms:framework/ID", by the file name a framework was imported from (in any of the three formats, so NIST's
    // baselines resolve against an imported SP 800-53 catalog), or as ID_catalog.json (the SoA profile's import)
    // — or back-matter resources
    // with base64 content. No file of the server is read. Needs kRead; kNotFound names an import not found.
    Document ResolveProfile(const Context& ctx, const Document& profile);

private:
    store::Store& store_;
    catalog::CatalogService& catalog_;
};

}  // namespace isms::oscal
